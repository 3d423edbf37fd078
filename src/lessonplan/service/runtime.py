"""The runtime the orchestration layer receives: settings, store, providers, clock, limits.

Built once per process (CLI command, API app, benchmark) by :meth:`Runtime.open`; tests build it
with their own store, provider and clock.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lessonplan import metrics
from lessonplan.config import Settings, get_settings
from lessonplan.domain.models import PlanResult
from lessonplan.domain.pricing import PriceTable
from lessonplan.domain.review import ReviewState
from lessonplan.errors import ConfigurationError
from lessonplan.providers.base import LLMProvider
from lessonplan.providers.factory import make_provider
from lessonplan.service.singleflight import SingleFlight
from lessonplan.service.writebehind import WriteBehind
from lessonplan.store.records import GenerationEvent
from lessonplan.store.repository import Store


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    provider: LLMProvider
    fallbacks: list[LLMProvider] = field(default_factory=list)
    offline: LLMProvider | None = None
    prices: PriceTable = field(default_factory=PriceTable)
    clock: Callable[[], datetime] = utcnow
    llm_limit: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))
    plan_flights: SingleFlight[PlanResult] = field(default_factory=SingleFlight)
    owns_store: bool = True
    writer: WriteBehind = field(init=False)
    llm_cap: int = 0  # what ``llm_limit`` admits; 0: taken from the semaphore at start

    def __post_init__(self) -> None:
        self.writer = WriteBehind(self.store)
        if self.llm_cap <= 0:
            self.llm_cap = self.llm_limit._value  # the semaphore's initial count

    def ensure_llm_capacity(self, calls: int) -> None:
        """Let at least ``calls`` LLM calls run at once in this process (never lowers the cap).

        Calls already holding the old semaphore release it; new calls take the wider one.
        """
        if calls > self.llm_cap:
            self.llm_limit = asyncio.Semaphore(calls)
            self.llm_cap = calls

    @classmethod
    async def open(
        cls,
        settings: Settings | None = None,
        *,
        llm: str | None = None,
        store: Store | None = None,
        provider: LLMProvider | None = None,
        clock: Callable[[], datetime] | None = None,
        warm: bool = False,
    ) -> Runtime:
        """Open the store (creating and migrating it on first use) and the providers.
        ``warm``: then :meth:`warm` it, for a runtime that will serve many compiles."""
        settings = settings or get_settings()
        try:
            prices = PriceTable.from_json(settings.price_table)
        except ValueError as exc:
            raise ConfigurationError(f"LESSONPLAN_PRICE_TABLE: {exc}") from exc
        # Lazy: a command that never calls an LLM needs no API key (resolve_all builds them).
        primary = provider or make_provider(llm or settings.llm, settings=settings, lazy=True)
        fallbacks = [
            make_provider(spec, settings=settings, lazy=True)
            for spec in settings.fallback_llm_specs
        ]
        offline = None
        if settings.offline_fallback and not primary.is_offline:
            offline = make_provider("offline", settings=settings)
        owns_store = store is None
        if store is None:
            store = await Store.open(
                settings.database_url,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                lock_pool_max=settings.db_lock_pool_max,
            )
            await seed_catalog(store)
        if settings.rate_limits:
            primary, *fallbacks = _limited(settings, store, [primary, *fallbacks])
        rt = cls(
            settings=settings,
            store=store,
            provider=primary,
            fallbacks=fallbacks,
            offline=offline,
            prices=prices,
            clock=clock or utcnow,
            llm_limit=asyncio.Semaphore(settings.llm_concurrency),
            llm_cap=settings.llm_concurrency,
            owns_store=owns_store,
        )
        if warm:
            try:
                await rt.warm()
            except BaseException:
                await rt.close()
                raise
        return rt

    async def warm(self) -> None:
        """Load now what the first compile would otherwise load on its critical path: the
        providers' SDK request path, the prompts' JSON schemas, and the Japanese text layer
        (in a thread), a rehearsal of each provider's request and answer path through its SDK
        (on an in-process transport: nothing is sent), and the store's connections; then
        freezes what the process holds (``gc.freeze``: objects allocated until now are no
        longer walked by the garbage collector). Idempotent. ``serve`` and the queue workers
        call it at startup; a one-shot command does not (a cache hit loads none of it)."""
        from lessonplan.providers.lazy import rehearse_all, warm_all
        from lessonplan.service.warmup import warm_schemas, warming

        loading = warming()
        try:
            built = warm_all([self.provider, *self.fallbacks, self.offline])
            warm_schemas()
            await rehearse_all(built)
            await self.store.warm()
        finally:
            if loading is not None:
                await loading
        # What was loaded lives as long as the process: out of the collector's sight, a full
        # collection (which would walk it all, ~100 ms) stays short.
        gc.freeze()

    async def close(self) -> None:
        """Stop running generations (their events are recorded), write every buffered event,
        then close the providers and the store."""
        await self.plan_flights.cancel_all()
        await self.writer.close()
        for provider in [self.provider, *self.fallbacks, *([self.offline] if self.offline else [])]:
            await provider.aclose()
        if self.owns_store:
            await self.store.close()

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def initial_review(self) -> tuple[ReviewState, str]:
        """The state a new lesson version starts in, and who set it (see ``auto_publish``)."""
        if self.settings.auto_publish:
            return "published", "auto-publish (LESSONPLAN_AUTO_PUBLISH)"
        return "draft", ""

    def now(self) -> datetime:
        return self.clock()

    async def record(self, events: list[GenerationEvent]) -> None:
        """Queue events for persistence (write-behind) and feed the Prometheus counters."""
        if not events:
            return
        self.writer.add_events(events)
        for event in events:
            metrics.observe_event(event)

    def note_hit(self, key_hash: str) -> None:
        self.writer.add_hit(key_hash, self.now())

    async def flush(self) -> None:
        """Write buffered events and hit counts now."""
        await self.writer.flush()


@asynccontextmanager
async def open_runtime(settings: Settings | None = None, **options: Any) -> AsyncIterator[Runtime]:
    """``async with open_runtime() as rt:`` — a runtime that is closed (and flushed) on exit."""
    rt = await Runtime.open(settings, **options)
    try:
        yield rt
    finally:
        await rt.close()


def _limited(settings: Settings, store: Store, providers: list[LLMProvider]) -> list[LLMProvider]:
    """Providers wrapped in their ``LESSONPLAN_RATE_LIMITS`` entry: shared through PostgreSQL,
    or in process on SQLite."""
    from lessonplan.domain.ratelimits import parse_rate_limits
    from lessonplan.service.ratelimit import Limiter, LocalLimiter, PostgresLimiter, with_limits

    limits = parse_rate_limits(settings.rate_limits)
    limiter: Limiter = (
        PostgresLimiter(store.engine) if store.dialect == "postgresql" else LocalLimiter()
    )
    return with_limits(providers, limits, limiter)


async def seed_catalog(store: Store) -> None:
    """Load the bundled catalog into an empty database (a no-op once it holds descriptors)."""
    if await store.count_descriptors() > 0:
        return
    from lessonplan.planners.offline import load_catalog

    await store.upsert_descriptors(descriptors=load_catalog())
