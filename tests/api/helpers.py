"""Helpers shared by the API tests: settings, a lifespan-running client, raw ASGI streaming."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from lessonplan.config import Settings
from lessonplan.domain.models import CanDoDescriptor

ADMIN_KEY = "test-admin-key-7f3a9c1e5b"
OTHER_KEY = "test-other-key-0d2b4f6a8c"
CLIENT_KEY = "test-client-key-every-learner-5e1"  # unbound: reaches every learner
MARIA_KEY = "test-client-key-maria-only-9b27"  # bound to maria and the acme/ tenant
CLIENT_KEYS = f"{CLIENT_KEY}=*, {MARIA_KEY}=maria|acme/*"
CAN_DO = "JF:105"
API = "/api/v1"
# A descriptor in another target language (the offline planner's curriculum is Japanese only).
SPANISH = CanDoDescriptor(
    uid="ES:1",
    level="A2",
    description_en="Can order a coffee in a café.",
    descriptions={"es": "Puede pedir un café en una cafetería."},
    target_language="es",
)

PROFILE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "profile.json").read_text("utf-8")
)
KIT: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "kit.json").read_text("utf-8")
)


def api_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'api.db'}",
        "llm": "offline",
        "fallback_llms": "",
        "offline_fallback": False,
        "api_keys": "",
        "llm_max_retries": 0,
        "llm_retry_base_seconds": 0.0,
        "llm_retry_max_seconds": 0.0,
        "max_body_bytes": 64 * 1024,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def serve(
    app: FastAPI, *, headers: dict[str, str] | None = None, client_host: str = "127.0.0.1"
) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan around an in-process client, as a server would."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_host, 51000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as client:
            yield client


def admin(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


NO_KEY = {"X-API-Key": ""}  # overrides the test client's default key: the request has none


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """``(event, data)`` pairs of the complete events of a text/event-stream body (data parsed
    as JSON); a trailing partial event is left out."""
    events: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n")[:-1]:
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def assert_problem(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code is not None:
        assert body["code"] == code, body
    return body


async def stream_raw(
    app: FastAPI,
    path: str,
    body: dict[str, Any],
    *,
    disconnect_when: Callable[[list[tuple[str, Any]]], Awaitable[bool] | bool],
) -> list[tuple[str, Any]]:
    """POST ``body`` to an SSE route over raw ASGI; the client disconnects once
    ``disconnect_when(events so far)`` is true. Returns the events received."""
    payload = json.dumps(body).encode()
    gone = asyncio.Event()
    request_sent = False
    received = bytearray()
    events: list[tuple[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] != "http.response.body" or gone.is_set():
            return
        received.extend(message.get("body", b""))
        events[:] = parse_sse(received.decode())
        decision = disconnect_when(events)
        if not isinstance(decision, bool):
            decision = await decision
        if decision:
            gone.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    async with asyncio.timeout(20):
        await app(scope, receive, send)
    return events


async def publish(client: Any, lesson_id: str, *, version: int | None = None) -> None:
    """Walk a lesson version through review to published, as an admin reviewer would."""
    for state in ("in_review", "approved", "published"):
        response = await client.post(
            f"{API}/lessons/{lesson_id}/review",
            json={"state": state, "version": version, "by": "test reviewer"},
            headers=admin(),
        )
        assert response.status_code == 200, response.text
