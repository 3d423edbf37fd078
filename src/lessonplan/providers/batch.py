"""A provider that sends its requests through a vendor's Batch API instead of one call each.

:class:`BatchProvider` is an :class:`~lessonplan.providers.base.LLMProvider`: the service layer
calls ``complete()`` exactly as it does synchronously (so validation, repair, quality checks,
cache and versions are the same code). Requests that arrive together (within ``gather_seconds``
of each other) go out as one batch; each caller waits for its item. A repair or a retry after an
errored item is a new ``complete()`` call, so it travels in the next batch. The provider reports
``is_batch = True``: the price table bills its usage at the batch price.

The vendor side is a :class:`BatchBackend` (one module per vendor: ``batch_openai``,
``batch_anthropic``); an optional :class:`BatchJournal` stores each batch (id, provider,
custom_ids, status) so that a run that crashed while a batch was pending resumes polling it.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from lessonplan.errors import GenerationError, ProviderError
from lessonplan.providers.base import Completion, LLMProvider, LLMRequest

log = logging.getLogger(__name__)

BatchStatus = Literal["in_progress", "ended", "failed"]
ItemResult = Completion | GenerationError
# The cache key of the plan a request belongs to, set by the batch precompile for each item:
# a plan request's ``custom_id`` is that key, the stage and repair requests derive theirs from it.
BATCH_ITEM_KEY: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "lessonplan_batch_item_key", default=None
)
MAX_GATHER_ROUNDS = 20
CUSTOM_ID_MAX = 64  # Anthropic: ^[a-zA-Z0-9_-]{1,64}$


class BatchBackend(Protocol):
    """One vendor's Batch API, through its SDK. Errors are :mod:`lessonplan.errors` types."""

    @property
    def name(self) -> str: ...

    async def submit(self, items: list[tuple[str, LLMRequest]]) -> str:
        """Create a batch of ``(custom_id, request)`` items; returns the vendor's batch id."""
        ...

    async def poll(self, batch_id: str) -> BatchStatus: ...

    async def results(
        self, batch_id: str, requests: dict[str, LLMRequest]
    ) -> dict[str, ItemResult]:
        """Every custom_id's completion, or the typed error of an item that errored or
        expired (an item missing from the results is an error too)."""
        ...


class BatchJournal(Protocol):
    """Where batch state is kept between runs (the ``llm_batches`` table)."""

    async def find_open(self, *, provider: str, custom_ids: list[str]) -> str | None: ...

    async def opened(self, *, provider: str, batch_id: str, custom_ids: list[str]) -> None: ...

    async def closed(self, *, provider: str, batch_id: str, status: str) -> None: ...


@dataclass
class BatchRecord:
    """What one batch did (for reports and tests)."""

    batch_id: str
    items: int
    status: str = "in_progress"
    errored: int = 0
    resumed: bool = False


@dataclass
class _Pending:
    custom_id: str
    request: LLMRequest
    future: asyncio.Future[Completion]


@dataclass
class BatchProvider:
    """``inner``'s spec, model and provider prices, its requests sent through ``backend``."""

    inner: LLMProvider
    backend: BatchBackend
    journal: BatchJournal | None = None
    gather_seconds: float = 0.2
    poll_seconds: float = 1.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    batches: list[BatchRecord] = field(default_factory=list)
    _pending: list[_Pending] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _flusher: asyncio.Task[None] | None = None
    _running: set[asyncio.Task[None]] = field(default_factory=set)
    _used_ids: dict[str, int] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return self.inner.spec  # the same cache key as a synchronous call: batch plans are hits

    @property
    def provider(self) -> str:
        """``openai-batch`` / ``anthropic-batch``: events, provenance and the Prometheus
        ``provider`` label tell batch calls (and their batch-priced cost) from synchronous ones."""
        return f"{self.inner.provider}-batch"

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def is_offline(self) -> bool:
        return False

    @property
    def is_batch(self) -> bool:
        return True

    def custom_id(self, request: LLMRequest) -> str:
        """The plan's cache key for its first request; ``key-<task><n>`` for the others."""
        base = BATCH_ITEM_KEY.get() or _request_hash(request)
        tag = f"{base}:{request.schema_name}"
        n = self._used_ids.get(tag, 0)
        self._used_ids[tag] = n + 1
        if request.schema_name == "DomainPlan" and n == 0:
            return base[:CUSTOM_ID_MAX]
        suffix = f"-{_short(request.schema_name)}{n}"
        return base[: CUSTOM_ID_MAX - len(suffix)] + suffix

    async def complete(self, request: LLMRequest) -> Completion:
        future: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(self.custom_id(request), request, future))
        self._wake.set()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop())
        return await future

    async def _flush_loop(self) -> None:
        """Send what arrived together once no request came for ``gather_seconds`` (or, under
        a steady trickle, once the oldest has waited ``MAX_GATHER_ROUNDS`` times that)."""
        loop = asyncio.get_running_loop()
        while self._pending:
            started = loop.time()
            while loop.time() - started < self.gather_seconds * MAX_GATHER_ROUNDS:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.gather_seconds)
                except TimeoutError:
                    break  # quiet: send
            items, self._pending = self._pending, []
            task = asyncio.create_task(self._run_batch(items))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _run_batch(self, items: list[_Pending]) -> None:
        ids = [p.custom_id for p in items]
        requests = {p.custom_id: p.request for p in items}
        try:
            batch_id, resumed = await self._open(ids, items)
            record = BatchRecord(batch_id, len(items), resumed=resumed)
            self.batches.append(record)
            status = await self.wait(batch_id)
            record.status = status
            if status == "failed":
                raise _failed(self.backend.name, batch_id)
            results = await self.backend.results(batch_id, requests)
            record.errored = sum(1 for r in results.values() if isinstance(r, GenerationError))
            if self.journal is not None:
                await self.journal.closed(
                    provider=self.backend.name, batch_id=batch_id, status=status
                )
        except ProviderError as exc:
            for p in items:
                if not p.future.done():
                    p.future.set_exception(exc)
            return
        except BaseException as exc:  # a bug or cancellation: no caller may wait forever
            for p in items:
                if not p.future.done():
                    p.future.set_exception(exc)
            raise
        for p in items:
            result = results[p.custom_id]
            if p.future.done():
                continue
            if isinstance(result, Completion):
                p.future.set_result(result)
            else:
                p.future.set_exception(result)

    async def _open(self, ids: list[str], items: list[_Pending]) -> tuple[str, bool]:
        if self.journal is not None:
            found = await self.journal.find_open(provider=self.backend.name, custom_ids=ids)
            if found is not None:
                log.info("resuming batch %s (%d items)", found, len(ids))
                return found, True
        batch_id = await self.backend.submit([(p.custom_id, p.request) for p in items])
        if self.journal is not None:
            await self.journal.opened(provider=self.backend.name, batch_id=batch_id, custom_ids=ids)
        return batch_id, False

    async def wait(self, batch_id: str) -> BatchStatus:
        """Poll ``batch_id`` every ``poll_seconds`` until it ends or fails."""
        while True:
            status = await self.backend.poll(batch_id)
            if status != "in_progress":
                return status
            await self.sleep(self.poll_seconds)

    async def cancel(self) -> None:
        """Stop gathering and polling (the batches stay with the provider and the journal)."""
        tasks = [*self._running, *([self._flusher] if self._flusher else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        await self.cancel()
        await self.inner.aclose()


def _failed(name: str, batch_id: str) -> ProviderError:
    from lessonplan.errors import ProviderUnavailableError

    return ProviderUnavailableError(f"{name} batch {batch_id} failed", provider=name)


def _short(schema_name: str) -> str:
    return "".join(c for c in schema_name if c.isupper()).lower() or "x"


def _request_hash(request: LLMRequest) -> str:
    text = json.dumps([request.system, request.user, request.schema_name], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
