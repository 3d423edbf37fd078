"""Write-behind bookkeeping: buffered hits and events reach the store and survive a failed write."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from lessonplan.domain.hashing import PlanKey
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.planners.offline import OfflinePlanner, load_catalog
from lessonplan.service.compile import compile_lesson
from lessonplan.service.writebehind import WriteBehind
from lessonplan.store import GenerationEvent, Store
from tests.service.conftest import START, RuntimeFactory

KEY = PlanKey("JF:105", "p", "k", "d", "en", "offline", "offline-1", "v1")


async def _cached(store: Store) -> None:
    descriptor = next(d for d in load_catalog() if d.uid == "JF:105")
    plan = OfflinePlanner().plan(descriptor, LearnerProfile(learner_id="a"), PrelessonKit())
    await store.cache_put(
        key=KEY, plan=plan, source="offline", plan_version=None, now=START, ttl=timedelta(hours=1)
    )


def _event(outcome: str) -> GenerationEvent:
    return GenerationEvent(at=START, operation="plan_answer", can_do_id="JF:105", outcome=outcome)


async def test_buffered_hits_and_events_are_written_by_the_background_flush(
    sqlite_store: Store,
) -> None:
    await _cached(sqlite_store)
    writer = WriteBehind(sqlite_store, interval=0.05)
    for i in range(30):
        writer.add_hit(KEY.key_hash, START + timedelta(seconds=i))
    writer.add_events([_event("cache"), _event("generated")])
    assert await sqlite_store.list_events() == []  # not yet: the flush is behind
    for _ in range(100):
        await asyncio.sleep(0.02)
        if writer.pending == 0:
            break
    entry = await sqlite_store.cache_get(key_hash=KEY.key_hash, now=START)
    assert entry is not None and entry.hits == 30
    assert entry.last_used_at == START + timedelta(seconds=29)
    assert [e.outcome for e in await sqlite_store.list_events()] == ["cache", "generated"]
    await writer.close()


async def test_a_failed_write_keeps_the_buffer_for_the_next_flush(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _cached(sqlite_store)
    writer = WriteBehind(sqlite_store, interval=60)
    writer.add_hit(KEY.key_hash, START)
    writer.add_events([_event("cache")])

    async def broken(**_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(sqlite_store, "add_events", broken)
    with pytest.raises(OSError):
        await writer.flush()
    assert writer.pending == 1  # the event; the hit was written before the failure
    monkeypatch.undo()
    await writer.close()
    assert [e.outcome for e in await sqlite_store.list_events()] == ["cache"]
    entry = await sqlite_store.cache_get(key_hash=KEY.key_hash, now=START)
    assert entry is not None and entry.hits == 1


class _GatedAddEvents:
    """``store.add_events`` that waits at a gate, so a flush can be caught half-way."""

    def __init__(self, store: Store) -> None:
        self.real = store.add_events
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, **kwargs: object) -> None:
        self.entered.set()
        await self.release.wait()
        await self.real(**kwargs)  # type: ignore[arg-type]


async def test_close_during_a_running_flush_loses_nothing(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = WriteBehind(sqlite_store, interval=0)
    gate = _GatedAddEvents(sqlite_store)
    monkeypatch.setattr(sqlite_store, "add_events", gate)
    writer.add_events([_event("cache"), _event("generated")])
    await gate.entered.wait()  # the background flush holds the batch
    closing = asyncio.create_task(writer.close())
    await asyncio.sleep(0)  # close() starts while the flush is still writing
    gate.release.set()
    await closing
    assert [e.outcome for e in await sqlite_store.list_events()] == ["cache", "generated"]
    assert writer.pending == 0


async def test_a_cancelled_caller_does_not_cancel_its_flush(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = WriteBehind(sqlite_store, interval=60)
    gate = _GatedAddEvents(sqlite_store)
    monkeypatch.setattr(sqlite_store, "add_events", gate)
    writer.add_events([_event("cache")])
    caller = asyncio.create_task(writer.flush())
    await gate.entered.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    gate.release.set()
    await writer.close()
    assert [e.outcome for e in await sqlite_store.list_events()] == ["cache"]  # once, not lost


async def _until_written(writer: WriteBehind) -> None:
    for _ in range(500):
        await asyncio.sleep(0.01)
        if writer.pending == 0 and (writer._task is None or writer._task.done()):
            return


async def test_a_flush_due_during_a_compile_waits_for_it_to_end(sqlite_store: Store) -> None:
    writer = WriteBehind(sqlite_store, interval=0.01, max_delay=600)
    with writer.foreground():
        writer.add_events([_event("generated")])
        await asyncio.sleep(0.1)  # ten intervals: due, but the compile is still running
        assert writer.pending == 1 and await sqlite_store.list_events() == []
    await _until_written(writer)
    assert [e.outcome for e in await sqlite_store.list_events()] == ["generated"]
    await writer.close()


async def test_foreground_work_delays_a_flush_at_most_max_delay(sqlite_store: Store) -> None:
    writer = WriteBehind(sqlite_store, interval=0.01, max_delay=0.05)
    with writer.foreground():  # a server always compiling something
        writer.add_events([_event("generated")])
        await _until_written(writer)
        assert [e.outcome for e in await sqlite_store.list_events()] == ["generated"]
        writer.add_events([_event("cache")])  # the next batch is held back again, then written
        await _until_written(writer)
        assert [e.outcome for e in await sqlite_store.list_events()] == ["generated", "cache"]
    await writer.close()


async def test_a_full_buffer_or_close_does_not_wait_for_foreground_work(
    sqlite_store: Store,
) -> None:
    writer = WriteBehind(sqlite_store, interval=0.01, max_pending=3, max_delay=600)
    with writer.foreground():
        writer.add_events([_event("generated")] * 3)
        await _until_written(writer)
        assert len(await sqlite_store.list_events()) == 3
        writer.add_events([_event("cache")])
        await writer.close()  # closing writes what is left at once
        assert len(await sqlite_store.list_events()) == 4


async def test_a_compile_starting_as_the_last_one_ends_holds_the_flush_too(
    sqlite_store: Store,
) -> None:
    writer = WriteBehind(sqlite_store, interval=0.01, max_delay=600)
    with writer.foreground():
        writer.add_events([_event("generated")])
        await asyncio.sleep(0.05)
    with writer.foreground():  # entered before the flush task ran again
        await asyncio.sleep(0.05)
        assert writer.pending == 1 and await sqlite_store.list_events() == []
    await _until_written(writer)
    assert [e.outcome for e in await sqlite_store.list_events()] == ["generated"]
    await writer.close()


async def test_a_compiles_bookkeeping_is_written_after_it(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime()
    rt.writer.interval, rt.writer.max_delay = 0.01, 600.0
    seen_during: list[list[str]] = []

    async def progress(step: str, data: dict[str, object]) -> None:
        if step == "stage" and data.get("stage") == "content":  # the plan's events are buffered
            await asyncio.sleep(0.1)  # ten intervals
            seen_during.append([e.operation for e in await rt.store.list_events()])

    await compile_lesson(
        rt, "JF:105", profile=LearnerProfile(learner_id="wb"), on_progress=progress
    )
    assert seen_during == [[]] and rt.writer.pending > 0
    await _until_written(rt.writer)
    assert "plan_answer" in {e.operation for e in await rt.store.list_events()}
