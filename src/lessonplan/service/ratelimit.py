"""Rate limits per ``provider:model`` (``LESSONPLAN_RATE_LIMITS``), shared by every process.

On PostgreSQL the bucket is a row of ``rate_buckets``, taken ``FOR UPDATE`` in a short
transaction with the server's clock, so N workers and API processes together stay under the
account's limit; a 429 with Retry-After blocks the row, slowing every process. On SQLite (or with
no store) a :class:`LocalLimiter` applies the same arithmetic in process.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lessonplan.domain.ratelimits import BucketState, RateLimit, block, take
from lessonplan.errors import RateLimitedError
from lessonplan.providers.base import Completion, LLMProvider, LLMRequest


class Limiter(Protocol):
    async def acquire(self, limit: RateLimit, tokens: int) -> None: ...

    async def penalize(self, limit: RateLimit, retry_after: float) -> None: ...


class LocalLimiter:
    """Token buckets in this process (asyncio)."""

    def __init__(self) -> None:
        self._states: dict[str, BucketState] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, limit: RateLimit, tokens: int) -> None:
        while True:
            async with self._lock:
                now = time.monotonic()
                state = self._states.setdefault(limit.spec, BucketState.full(limit, now))
                wait = take(state, limit, now=now, tokens=tokens)
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def penalize(self, limit: RateLimit, retry_after: float) -> None:
        async with self._lock:
            now = time.monotonic()
            state = self._states.setdefault(limit.spec, BucketState.full(limit, now))
            block(state, now=now, retry_after=retry_after)


_NOW = "CAST(extract(epoch from clock_timestamp()) AS double precision)"


class PostgresLimiter:
    """Token buckets in ``rate_buckets`` rows, shared by every process on the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _with_row(self, limit: RateLimit, tokens: int, retry_after: float | None) -> float:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO rate_buckets (name, requests, tokens, updated_at, blocked_until) "
                    f"VALUES (:name, :r, :t, {_NOW}, 0) ON CONFLICT (name) DO NOTHING"
                ),
                {"name": limit.spec, "r": limit.request_capacity, "t": limit.token_capacity},
            )
            row = (
                await conn.execute(
                    text(
                        "SELECT requests, tokens, updated_at, blocked_until, "
                        f"{_NOW} AS now FROM rate_buckets WHERE name = :name FOR UPDATE"
                    ),
                    {"name": limit.spec},
                )
            ).one()
            state = BucketState(row.requests, row.tokens, row.updated_at, row.blocked_until)
            if retry_after is not None:
                block(state, now=row.now, retry_after=retry_after)
                wait = 0.0
            else:
                wait = take(state, limit, now=row.now, tokens=tokens)
            await conn.execute(
                text(
                    "UPDATE rate_buckets SET requests = :r, tokens = :t, updated_at = :u, "
                    "blocked_until = :b WHERE name = :name"
                ),
                {
                    "name": limit.spec,
                    "r": state.requests,
                    "t": state.tokens,
                    "u": state.updated_at,
                    "b": state.blocked_until,
                },
            )
            return wait

    async def acquire(self, limit: RateLimit, tokens: int) -> None:
        while True:
            wait = await self._with_row(limit, tokens, None)
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def penalize(self, limit: RateLimit, retry_after: float) -> None:
        await self._with_row(limit, 0, retry_after)


class RateLimitedProvider:
    """A provider whose every call first takes from its limit's bucket; a 429 blocks the bucket
    for its Retry-After (for every process sharing it) before the error goes on to the retry
    policy above."""

    def __init__(self, inner: LLMProvider, limit: RateLimit, limiter: Limiter) -> None:
        self.inner = inner
        self.limit = limit
        self.limiter = limiter

    @property
    def spec(self) -> str:
        return self.inner.spec

    @property
    def provider(self) -> str:
        return self.inner.provider

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def is_offline(self) -> bool:
        return self.inner.is_offline

    def _tokens(self, request: LLMRequest) -> int:
        if not self.limit.tpm:
            return 0
        from lessonplan.prompts.tokens import count_request_tokens

        return count_request_tokens(request, self.inner.model) + (request.max_tokens or 0)

    async def complete(self, request: LLMRequest) -> Completion:
        await self.limiter.acquire(self.limit, self._tokens(request))
        try:
            return await self.inner.complete(request)
        except RateLimitedError as exc:
            if exc.retry_after:
                await self.limiter.penalize(self.limit, exc.retry_after)
            raise

    async def aclose(self) -> None:
        await self.inner.aclose()


def with_limits(
    providers: list[LLMProvider], limits: dict[str, RateLimit], limiter: Limiter
) -> list[LLMProvider]:
    """Each provider wrapped in its limit, when ``limits`` names its spec."""
    out: list[LLMProvider] = []
    for provider in providers:
        limit = limits.get(provider.spec.lower())
        out.append(RateLimitedProvider(provider, limit, limiter) if limit else provider)
    return out
