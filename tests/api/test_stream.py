"""The SSE compile stream: event order, the lesson it ends with, and client disconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lessonplan.api.app import create_app
from lessonplan.domain.lesson import STAGES
from lessonplan.providers.base import LLMProvider
from lessonplan.providers.factory import make_provider
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.runtime import Runtime

from .helpers import API, CAN_DO, PROFILE, admin, api_settings, parse_sse, serve, stream_raw

STREAM = f"{API}/cando/{CAN_DO}/compile/stream"


async def test_stream_events_in_order_and_lesson_equals_get(client: httpx.AsyncClient) -> None:
    response = await client.post(STREAM, json={"profile": PROFILE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names == ["inputs", "plan", "stage", "stage", "stage", "stage", "lesson"], names

    inputs, plan = events[0][1], events[1][1]
    assert inputs == {"can_do_id": CAN_DO, "learner_id": PROFILE["learner_id"]}
    assert plan["source"] == "offline"
    stages = [data for name, data in events if name == "stage"]
    assert sorted(s["stage"] for s in stages) == sorted(STAGES)
    assert all(s["status"] == "done" and s["error"] is None and s["source"] for s in stages)
    order = [s["stage"] for s in stages]
    assert order.index("content") < order.index("comprehension")

    lesson = events[-1][1]
    got = await client.get(
        f"{API}/lessons/{lesson['lesson_id']}", params={"drafts": "true"}, headers=admin()
    )
    assert got.status_code == 200
    assert got.json() == lesson

    again = parse_sse((await client.post(STREAM, json={"profile": PROFILE})).text)
    assert again[1][1]["source"] == "cache"


def _plan_calls(provider: FakeProvider) -> int:
    return sum(1 for r in provider.requests if r.schema_name == "DomainPlan")


def slow_llm(latency_s: float) -> FakeProvider:
    """A fake LLM answering with the offline planner's JSON, slowly."""
    provider: LLMProvider = make_provider("fake:slow")
    assert isinstance(provider, FakeProvider)
    provider.latency_s = latency_s
    return provider


@pytest.fixture
async def slow(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, Runtime, FakeProvider]]:
    provider = slow_llm(0.4)
    rt = await Runtime.open(api_settings(tmp_path), provider=provider)
    try:
        yield create_app(runtime=rt), rt, provider
    finally:
        await rt.close()


async def _waiters(rt: Runtime, count: int) -> None:
    """Until the one plan flight in progress has ``count`` waiters."""
    async with asyncio.timeout(5):
        while True:
            flights = list(rt.plan_flights._flights.values())
            if len(flights) == 1 and flights[0].waiters == count:
                return
            await asyncio.sleep(0.005)


async def _plan_call_started(provider: FakeProvider) -> None:
    """Until the fake LLM has received the plan request (the flight is past its cache read)."""
    async with asyncio.timeout(5):
        while _plan_calls(provider) == 0:  # noqa: ASYNC110 - polling another component's state
            await asyncio.sleep(0.005)


async def _no_flights(rt: Runtime) -> None:
    async with asyncio.timeout(5):
        while rt.plan_flights._flights:  # noqa: ASYNC110 - polling another component's state
            await asyncio.sleep(0.01)


async def _lessons(rt: Runtime) -> list[Any]:
    return await rt.store.list_lessons(can_do_id=CAN_DO)


async def test_disconnect_cancels_the_compile_it_alone_waited_for(
    slow: tuple[FastAPI, Runtime, FakeProvider],
) -> None:
    app, rt, provider = slow

    async def once_waiting(events: list[tuple[str, Any]]) -> bool:
        if events and events[-1][0] == "inputs":
            await _waiters(rt, 1)
            await _plan_call_started(provider)
            return True
        return False

    events = await stream_raw(app, STREAM, {}, disconnect_when=once_waiting)
    assert [name for name, _ in events] == ["inputs"]
    await _no_flights(rt)
    await asyncio.sleep(0.6)  # longer than the fake LLM's latency: a survivor would have finished
    assert _plan_calls(provider) == 1
    assert await _lessons(rt) == []
    assert (await rt.store.cache_stats(now=rt.now())).entries == 0, "the plan call was cancelled"


async def test_disconnect_does_not_cancel_a_shared_plan_generation(
    slow: tuple[FastAPI, Runtime, FakeProvider],
) -> None:
    app, rt, provider = slow
    async with serve(app) as client:
        other = asyncio.create_task(client.post(f"{API}/cando/{CAN_DO}/compile", json={}))
        await _waiters(rt, 1)

        async def once_joined(events: list[tuple[str, Any]]) -> bool:
            if events and events[-1][0] == "inputs":
                await _waiters(rt, 2)
                return True
            return False

        events = await stream_raw(app, STREAM, {}, disconnect_when=once_joined)
        assert [name for name, _ in events] == ["inputs"]
        response = await other
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "generated"
    assert response.json()["status"] == "complete"
    assert _plan_calls(provider) == 1
    assert len(await _lessons(rt)) == 1, "only the request that stayed stored a lesson"
