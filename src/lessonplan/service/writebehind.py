"""Write-behind for bookkeeping on the hot path: generation events and cache hit counts.

A cache hit should cost one indexed read. Its bookkeeping (the hit counter UPDATE and the event
INSERT) is buffered and written in one transaction shortly after, by a background flush, and on
``close()``. A flush that falls due while work a user waits on is running (a compile, marked by
:meth:`WriteBehind.foreground`) waits until that work ends, at most ``max_delay`` seconds in all,
so bookkeeping does not take the event loop from a lesson's last steps. Plans, versions and
lessons are never buffered: only counters and events, which a crash could lose for at most
``max_delay`` seconds. ``flush()`` makes everything visible now (stats call it first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime

from lessonplan.store.records import GenerationEvent
from lessonplan.store.repository import Store

log = logging.getLogger(__name__)


class WriteBehind:
    """Buffered hit counts and events, written by a background flush and on :meth:`close`.

    A flush is never cancelled half-way: it runs in its own task, shielded from its caller, so a
    caller that is cancelled (a client hanging up, SIGTERM) leaves the write to finish, and
    :meth:`close` waits for a running flush instead of cancelling it. A write that fails puts
    its batch back for the next flush. Stored events therefore equal recorded events.
    """

    def __init__(
        self,
        store: Store,
        *,
        interval: float = 0.2,
        max_pending: int = 500,
        max_delay: float = 2.0,
    ) -> None:
        self.store = store
        self.interval = interval
        self.max_pending = max_pending
        self.max_delay = max(max_delay, interval)
        self._foreground = 0  # compiles running now (see foreground())
        self._changed = asyncio.Event()  # woken when the last one ends, or the flush must go
        self._events: list[GenerationEvent] = []
        self._hits: dict[str, tuple[int, datetime]] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    @property
    def pending(self) -> int:
        return len(self._events) + len(self._hits)

    def add_events(self, events: Sequence[GenerationEvent]) -> None:
        self._events.extend(events)
        self._schedule()

    def add_hit(self, key_hash: str, now: datetime) -> None:
        count, last = self._hits.get(key_hash, (0, now))
        self._hits[key_hash] = (count + 1, max(last, now))
        self._schedule()

    def _schedule(self) -> None:
        if self._task is None or self._task.done():
            self._wake.clear()
            self._task = asyncio.get_running_loop().create_task(self._flush_later())
        if self.pending >= self.max_pending:
            self._now()

    def _now(self) -> None:
        """Flush as soon as possible (the buffer is full, or closing)."""
        self._wake.set()
        self._changed.set()

    @contextlib.contextmanager
    def foreground(self) -> Iterator[None]:
        """Mark work a user waits on: a flush falling due meanwhile waits until it ends (up to
        ``max_delay`` after the first buffered write), unless the buffer fills."""
        self._foreground += 1
        try:
            yield
        finally:
            self._foreground -= 1
            if not self._foreground:
                self._changed.set()

    async def _flush_later(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_delay
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.interval):
                await self._wake.wait()
        # Checked again on waking: a compile that started as the last one ended (a queue
        # worker's next task, a client's next request) is foreground work too.
        while self._foreground and not self._wake.is_set() and loop.time() < deadline:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(deadline):
                    await self._changed.wait()
        try:
            await self.flush()
        except Exception:  # bookkeeping must never break a request; the next flush retries
            log.warning("could not write generation events; will retry", exc_info=True)

    async def flush(self) -> None:
        """Write everything buffered now. Cancelling the caller does not cancel the write."""
        await asyncio.shield(asyncio.ensure_future(self._write()))

    async def _write(self) -> None:
        async with self._lock:
            events, self._events = self._events, []
            hits, self._hits = self._hits, {}
            try:
                await self.store.cache_hits(hits=hits)
            except BaseException:
                self._events = events + self._events
                self._restore_hits(hits)
                raise
            try:
                if events:
                    await self.store.add_events(events=events)
            except BaseException:
                self._events = events + self._events  # the hits are already written
                raise

    def _restore_hits(self, hits: dict[str, tuple[int, datetime]]) -> None:
        for key, (count, at) in hits.items():
            old_count, old_at = self._hits.get(key, (0, at))
            self._hits[key] = (old_count + count, max(old_at, at))

    async def close(self) -> None:
        """Let a scheduled or running flush finish (now), then write what is left."""
        task = self._task
        if task is not None and not task.done():
            self._now()
            await task
        await self.flush()
