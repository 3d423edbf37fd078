"""Service-level fixtures: a runtime over a real store with an injected generator and clock."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lessonplan.config import Settings
from lessonplan.planners.offline import OfflinePlanner
from lessonplan.providers.base import LLMProvider, LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.runtime import Runtime, seed_catalog
from lessonplan.store import Store

START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand (TTL and expiry without sleeping)."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def offline_answer(request: LLMRequest) -> str:
    """What a well-behaved LLM would answer: the offline planner's JSON for the request data."""
    return json.dumps(OfflinePlanner().answer(request.task, request.inputs), ensure_ascii=False)


def fake_llm(name: str = "gpt-4o-mini", *, latency_s: float = 0.0) -> FakeProvider:
    return FakeProvider(name, fallback=offline_answer, latency_s=latency_s)


def calls_by_task(provider: FakeProvider) -> Counter[str]:
    return Counter(r.task for r in provider.requests)


RuntimeFactory = Callable[..., Awaitable[Runtime]]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def make_runtime(store: Store, clock: Clock) -> AsyncIterator[RuntimeFactory]:
    """Build runtimes sharing the parametrized store (SQLite and PostgreSQL)."""
    await seed_catalog(store)
    opened: list[Runtime] = []

    async def factory(provider: LLMProvider | None = None, **settings: Any) -> Runtime:
        base = {
            "database_url": "sqlite+aiosqlite:///unused.db",
            "llm_max_retries": 0,
            "llm_retry_base_seconds": 0.0,
            **settings,
        }
        rt = await Runtime.open(
            Settings(**base), store=store, provider=provider or fake_llm(), clock=clock
        )
        opened.append(rt)
        return rt

    yield factory
    for rt in opened:
        await rt.close()
