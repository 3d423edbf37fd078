"""TCP_NODELAY on the server's connections, the multi-worker way included: there uvicorn binds
one socket in the parent with ``proto`` 0, on which asyncio itself does not set the option."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from lessonplan.api.server import HTTP_PROTOCOL
from lessonplan.cli import app as cli_app


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _server_side_nodelay(http: str) -> int:
    config = uvicorn.Config(
        _app, host="127.0.0.1", port=0, http=http, lifespan="off", log_level="error"
    )
    server = uvicorn.Server(config)
    sock = config.bind_socket()  # what `--workers N` shares: socket.socket(AF_INET), proto 0
    assert sock.proto == 0
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event for it)
            await asyncio.sleep(0.01)
        host, port = sock.getsockname()[:2]
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        await reader.readuntil(b"ok")
        (connection,) = server.server_state.connections
        raw = connection.transport.get_extra_info("socket")
        value = int(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()
        await writer.wait_closed()
        return value
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_the_serve_protocol_sets_tcp_nodelay_on_a_shared_socket() -> None:
    assert await _server_side_nodelay(HTTP_PROTOCOL) == 1


async def test_uvicorns_own_protocol_does_not_on_that_socket() -> None:
    """Why the protocol exists (if uvicorn starts setting it, this test says so)."""
    assert await _server_side_nodelay("auto") == 0


def test_serve_runs_uvicorn_with_that_protocol(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # restored afterwards
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli_app, "_check_providers", _no_check)
    cli_app.serve(host="127.0.0.1", port=8765, workers=2, database_url=None)
    assert seen["http"] == HTTP_PROTOCOL and seen["workers"] == 2


async def _no_check(settings: Any) -> None:
    return None
