"""The app as deployed: a real uvicorn process on loopback, built by the factory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .helpers import API, CAN_DO, PROFILE

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"uvicorn exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn did not become healthy in 30 s:\n{log.read_text()}")


def test_compile_through_a_real_uvicorn_process(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONPLAN_")}
    env.update(
        LESSONPLAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'served.db'}",
        LESSONPLAN_LLM="offline",
        LESSONPLAN_API_KEYS="served-key-4b9e2c",
    )
    log = tmp_path / "uvicorn.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "lessonplan.api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "info",
    ]
    with (
        log.open("wb") as out,
        subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path
        ) as proc,
    ):
        try:
            _wait_healthy(base, proc, log)
            with httpx.Client(base_url=base, timeout=60) as client:
                compiled = client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
                assert compiled.status_code == 200, compiled.text
                lesson = compiled.json()["lesson"]
                got = client.get(f"{API}/lessons/{lesson['lesson_id']}")
                assert got.json() == lesson
                with client.stream(
                    "POST", f"{API}/cando/{CAN_DO}/compile/stream", json={}
                ) as stream:
                    body = "".join(stream.iter_text())
                assert "event: lesson" in body
                denied = client.delete(f"{API}/cache", headers={"X-API-Key": "nope"})
                assert denied.status_code == 403
                allowed = client.delete(f"{API}/cache", headers={"X-API-Key": "served-key-4b9e2c"})
                assert allowed.status_code == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    text = log.read_text()
    assert "served-key" not in text
    assert "Application startup complete" in text
    assert "Application shutdown complete" in text, text
    assert "Traceback" not in text, text
