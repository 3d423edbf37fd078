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

import lessonplan
from tests.hermetic import clean_environ

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
    env = clean_environ()
    # cwd is tmp_path: the sources under test must be on an absolute path
    env["PYTHONPATH"] = os.pathsep.join(
        [
            str(Path(lessonplan.__file__).resolve().parents[1]),
            *filter(None, [env.get("PYTHONPATH")]),
        ]
    )
    env.update(
        LESSONPLAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'served.db'}",
        LESSONPLAN_LLM="offline",
        LESSONPLAN_API_KEYS="served-key-4b9e2c",
        LESSONPLAN_CLIENT_KEYS="served-client-every-1f=*, served-client-maria-2e=maria",
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
            backend = {"X-API-Key": "served-client-every-1f"}
            maria = {"Authorization": "Bearer served-client-maria-2e"}
            with httpx.Client(base_url=base, timeout=60, headers=backend) as client:
                compiled = client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
                assert compiled.status_code == 200, compiled.text
                lesson = compiled.json()["lesson"]
                url = f"{API}/lessons/{lesson['lesson_id']}"
                assert client.get(url, headers=maria).status_code == 404  # a draft
                reviewer = {"X-API-Key": "served-key-4b9e2c"}
                got = client.get(url, params={"drafts": "true"}, headers=reviewer)
                assert got.json() == lesson
                for state in ("in_review", "approved", "published"):
                    moved = client.post(f"{url}/review", json={"state": state}, headers=reviewer)
                    assert moved.status_code == 200, moved.text
                published = {**lesson, "review_state": "published"}
                assert client.get(url, headers=maria).json() == published
                ken = client.post(
                    f"{API}/cando/{CAN_DO}/compile",
                    json={"profile": {**PROFILE, "learner_id": "ken"}},
                )
                ken_id = ken.json()["lesson"]["lesson_id"]
                hidden = client.get(f"{API}/lessons/{ken_id}", headers=maria)
                assert hidden.status_code == 404, hidden.text
                assert hidden.json()["code"] == "unknown_lesson"
                anonymous = client.get(f"{API}/stats", headers={"X-API-Key": ""})
                assert anonymous.status_code == 401, anonymous.text
                assert client.get("/healthz", headers={"X-API-Key": ""}).status_code == 200

                # deep JSON is a 422, and the same keep-alive connection serves the next request
                deep = '{"profile": {"learner_id": "d", "learning_goals": ' + "[" * 500
                deep += "]" * 500 + "}}"
                refused = client.post(
                    f"{API}/cando/{CAN_DO}/plan",
                    content=deep.encode(),
                    headers={"content-type": "application/json"},
                )
                assert refused.status_code == 422, refused.text
                after = client.post(f"{API}/cando/{CAN_DO}/plan", json={})
                assert after.status_code == 200, after.text
                assert after.extensions["network_stream"] is refused.extensions["network_stream"]
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
    assert "served-key" not in text and "served-client" not in text
    assert "Application startup complete" in text
    assert "Application shutdown complete" in text, text
    assert "Traceback" not in text, text
