"""``Store.plan_lock``: cross-process single-flight on PostgreSQL, a no-op on SQLite.

Two Store instances (two engines, two pools) stand in for two processes. Ordering is observed
through events and ``pg_locks``, never through sleeps of a chosen length.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from lessonplan.store import Store
from tests.conftest import TEST_POOL

from .samples import sample_key

WAIT_LIMIT_S = 10.0


async def _advisory_locks(store: Store, *, granted: bool) -> int:
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = :granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    async with store.engine.connect() as conn:
        return int((await conn.execute(query, {"granted": granted})).scalar_one())


async def _until_waiting(store: Store, count: int = 1) -> None:
    """Return once ``count`` sessions are blocked on an advisory lock."""
    async with asyncio.timeout(WAIT_LIMIT_S):
        while await _advisory_locks(store, granted=False) < count:  # noqa: ASYNC110 - server state
            await asyncio.sleep(0.01)


@pytest.fixture
async def second_store(pg_url: str, pg_store: Store) -> AsyncIterator[Store]:
    """Another Store on the same database: another engine and pool, like another process."""
    store = await Store.open(pg_url, migrate=False, **TEST_POOL)
    try:
        yield store
    finally:
        await store.close()


async def test_second_process_waits_until_first_releases(
    pg_store: Store, second_store: Store
) -> None:
    key = sample_key()
    order: list[str] = []
    a_holds = asyncio.Event()
    let_a_go = asyncio.Event()

    async def first() -> None:
        async with pg_store.plan_lock(key):
            order.append("a acquired")
            a_holds.set()
            await let_a_go.wait()
            order.append("a releasing")

    async def second() -> None:
        await a_holds.wait()
        async with second_store.plan_lock(key):
            order.append("b acquired")

    async with asyncio.timeout(WAIT_LIMIT_S):
        tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
        await a_holds.wait()
        await _until_waiting(pg_store)
        assert order == ["a acquired"]
        let_a_go.set()
        await asyncio.gather(*tasks)
    assert order == ["a acquired", "a releasing", "b acquired"]
    assert await _advisory_locks(pg_store, granted=True) == 0


async def test_different_keys_do_not_block_each_other(pg_store: Store, second_store: Store) -> None:
    both_held = asyncio.Barrier(2)

    async def hold(store: Store, can_do_id: str) -> None:
        async with store.plan_lock(sample_key(can_do_id)):
            await both_held.wait()

    async with asyncio.timeout(WAIT_LIMIT_S):
        await asyncio.gather(hold(pg_store, "JF:1"), hold(second_store, "JF:2"))


async def test_tasks_of_one_store_exclude_each_other(pg_store: Store) -> None:
    key = sample_key()
    inside = 0
    peak = 0

    async def critical(i: int) -> None:
        nonlocal inside, peak
        async with pg_store.plan_lock(key):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0)
            inside -= 1

    async with asyncio.timeout(WAIT_LIMIT_S):
        await asyncio.gather(*(critical(i) for i in range(8)))
    assert peak == 1
    assert await _advisory_locks(pg_store, granted=True) == 0


async def test_lock_released_when_block_raises(pg_store: Store, second_store: Store) -> None:
    key = sample_key()
    with pytest.raises(RuntimeError):
        async with pg_store.plan_lock(key):
            raise RuntimeError("generation failed")
    async with asyncio.timeout(WAIT_LIMIT_S), second_store.plan_lock(key):
        pass
    assert await _advisory_locks(pg_store, granted=True) == 0


async def test_cancelled_waiter_leaves_no_stray_lock(pg_store: Store, second_store: Store) -> None:
    key = sample_key()
    let_go = asyncio.Event()
    holds = asyncio.Event()

    async def holder() -> None:
        async with pg_store.plan_lock(key):
            holds.set()
            await let_go.wait()

    async def waiter() -> None:
        async with second_store.plan_lock(key):
            pytest.fail("the waiter was cancelled before the lock was free")

    async with asyncio.timeout(WAIT_LIMIT_S):
        holding = asyncio.create_task(holder())
        await holds.wait()
        waiting = asyncio.create_task(waiter())
        await _until_waiting(pg_store)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        let_go.set()
        await holding
        # Both stores can take the lock again: nothing leaked into a pooled connection.
        for store in (second_store, pg_store, second_store):
            async with store.plan_lock(key):
                pass
    assert await _advisory_locks(pg_store, granted=True) == 0
    assert await _advisory_locks(pg_store, granted=False) == 0


async def test_sqlite_plan_lock_is_a_no_op(sqlite_store: Store) -> None:
    key = sample_key()
    async with sqlite_store.plan_lock(key), sqlite_store.plan_lock(key):
        pass  # re-entrant and non-blocking: single-flight is in-process only on SQLite
