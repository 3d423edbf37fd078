"""A fake LLM for tests, shipped in the package (inject it; don't patch SDKs).

``enqueue()`` queues answers: strings are returned as the completion text, exceptions are
raised, in order. When the queue is empty the ``fallback`` answers (a callable of the request),
else the call fails loudly. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from typing import Any

from lessonplan.providers.base import Completion, LLMRequest, Usage

Answer = str | BaseException | dict[str, Any]
Fallback = Callable[[LLMRequest], str]

_REGISTRY: dict[str, FakeProvider] = {}


def _count(text: str) -> int:
    """A crude, deterministic token count (~4 characters a token) for fake usage."""
    return max(1, len(text) // 4) if text else 0


def _default_usage(request: LLMRequest, text: str) -> Usage:
    return Usage(_count(request.system + request.user), _count(text))


class FakeProvider:
    """``spec`` is ``fake:NAME``. Not offline: it stands in for an LLM."""

    def __init__(
        self,
        name: str = "test",
        *,
        fallback: Fallback | None = None,
        latency_s: float = 0.0,
        usage: Callable[[LLMRequest, str], Usage] | None = None,
    ) -> None:
        self.name = name
        self.fallback = fallback
        self.latency_s = latency_s
        self.requests: list[LLMRequest] = []
        self.closed = False
        self._queue: deque[Answer] = deque()
        self._usage = usage or (
            lambda req, text: Usage(_count(req.system + req.user), _count(text))
        )

    def enqueue(self, *answers: Answer) -> FakeProvider:
        """Queue answers: ``str`` (or a dict, sent as JSON) to return, an exception to raise."""
        self._queue.extend(answers)
        return self

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def spec(self) -> str:
        return f"fake:{self.name}"

    @property
    def provider(self) -> str:
        return "fake"

    @property
    def model(self) -> str:
        return self.name

    @property
    def is_offline(self) -> bool:
        return False

    async def complete(self, request: LLMRequest) -> Completion:
        self.requests.append(request)
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if self._queue:
            answer = self._queue.popleft()
        elif self.fallback is not None:
            answer = self.fallback(request)
        else:
            raise AssertionError(
                f"FakeProvider {self.name!r}: no answer queued for {request.task!r}"
            )
        if isinstance(answer, BaseException):
            raise answer
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        return Completion(
            text=text,
            usage=self._usage(request, text),
            model=self.name,
            provider="fake",
            finish_reason="stop",
        )

    async def aclose(self) -> None:
        self.closed = True


def register_fake(provider: FakeProvider) -> FakeProvider:
    """Make ``make_provider("fake:NAME")`` return this instance (for config-driven tests)."""
    _REGISTRY[provider.name] = provider
    return provider


def unregister_fakes() -> None:
    _REGISTRY.clear()


def registered_fake(name: str) -> FakeProvider | None:
    return _REGISTRY.get(name)
