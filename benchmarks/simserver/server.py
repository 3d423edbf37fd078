"""Run the simulated server: in a background thread (tests) or a subprocess (multi-process).

Both give a :class:`SimServerHandle` whose ``base_url`` is what ``OPENAI_BASE_URL`` takes, and
whose control methods call the server's ``/_sim/*`` endpoints.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from benchmarks.simserver.app import create_app
from benchmarks.simserver.config import SimConfig, SimState

READY = "SIMSERVER READY"
REPO_ROOT = Path(__file__).resolve().parents[2]


class SimServerHandle:
    """A running simulated server: ``base_url`` (``http://127.0.0.1:PORT/v1``) and controls."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.root_url = f"http://{host}:{port}"
        self.base_url = f"{self.root_url}/v1"
        self.anthropic_base_url = self.root_url  # the anthropic SDK adds /v1/messages itself

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        with httpx.Client(timeout=10.0) as client:
            response = client.request(method, f"{self.root_url}{path}", json=body)
            response.raise_for_status()
            return response.json()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self._request(method, path, body)
        return result

    def requests(self) -> list[dict[str, Any]]:
        """The last request bodies the server received (up to 50, oldest first)."""
        result: list[dict[str, Any]] = self._request("GET", "/_sim/requests")
        return result

    def stats(self) -> dict[str, Any]:
        """Counters: requests, by_task, by_fault, by_model, by_status, tokens, max_in_flight."""
        return self._call("GET", "/_sim/stats")

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Replace config fields at runtime: ``latency_ms``, ``faults``, ``script``, ..."""
        return self._call("POST", "/_sim/config", changes)

    def reset(self) -> dict[str, Any]:
        """Counters to zero and the configuration back to the one the server started with."""
        return self._call("POST", "/_sim/reset")

    @property
    def alive(self) -> bool:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> SimServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose protocol says TCP,
    # and without it every keep-alive response waits ~40 ms for delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections queue from now on, before the loop serves them
    return sock


class _Server(uvicorn.Server):
    """Tells stalled ``timeout`` faults to end when the server is asked to exit."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self._stopping = stopping

    def handle_exit(self, sig: int, frame: Any) -> None:
        self._stopping.set()
        super().handle_exit(sig, frame)


def make_server(config: SimConfig | None) -> tuple[_Server, FastAPI]:
    """A uvicorn server for a fresh app (lifespan off; stalled requests end on exit)."""
    app = create_app(config)
    uv_config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
    )
    return _Server(uv_config, app.state.stopping), app


class ThreadSimServer(SimServerHandle):
    """The server in a daemon thread of this process (its own event loop)."""

    def __init__(self, config: SimConfig | None, host: str, port: int) -> None:
        self._sock = _bind(host, port)
        super().__init__(host, self._sock.getsockname()[1])
        self._server, self._app = make_server(config)
        self.state: SimState = self._app.state.sim
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"simserver-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the simulated server did not start")
            time.sleep(0.01)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._server.should_exit

    def stop(self) -> None:
        self._app.state.stopping.set()
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        self._sock.close()


def run_in_thread(
    config: SimConfig | None = None, port: int = 0, *, host: str = "127.0.0.1"
) -> ThreadSimServer:
    """Start the server in a background thread on a free loopback port (``port=0``)."""
    return ThreadSimServer(config, host, port)


class ProcessSimServer(SimServerHandle):
    """The server in a child process (``python -m benchmarks.simserver``)."""

    def __init__(self, proc: subprocess.Popen[str], host: str, port: int) -> None:
        super().__init__(host, port)
        self.proc = proc

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def start_subprocess(
    config: SimConfig | None = None,
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    env: dict[str, str] | None = None,
    startup_timeout: float = 30.0,
) -> ProcessSimServer:
    """Start the server as a child process and wait until it listens."""
    config = config or SimConfig()
    child_env = {**os.environ, **(env or {})}
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), child_env.get("PYTHONPATH", "")) if p
    )
    cmd = [sys.executable, "-m", "benchmarks.simserver", "--host", host, "--port", str(port)]
    cmd += ["--config-json", config.model_dump_json()]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + startup_timeout
    while True:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(remaining, 0))
        line = proc.stdout.readline() if ready else ""
        if line.startswith(READY):
            actual_port = int(line.rsplit(":", 1)[1].split("/", 1)[0])
            return ProcessSimServer(proc, host, actual_port)
        if remaining <= 0 or proc.poll() is not None or (ready and not line):
            ProcessSimServer(proc, host, port).stop()
            raise RuntimeError("the simulated server subprocess did not start")
