"""Cross-process single-flight for plan generation.

On PostgreSQL a session-level advisory lock per plan key lets many processes agree that one of
them generates while the others wait and then read the cache. The lock lives on a dedicated
AUTOCOMMIT connection from a pool of its own: a long LLM call never holds a transaction open, and
waiting lock holders cannot starve the pool that the actual reads and writes use.

SQLite offers no such lock: there, single-flight is in-process only (the service adds an
in-process layer for every backend).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

_LOCK = text("SELECT pg_advisory_lock(:lock_id)")
_UNLOCK = text("SELECT pg_advisory_unlock(:lock_id)")


@contextlib.asynccontextmanager
async def pg_advisory_lock(engine: AsyncEngine, lock_id: int) -> AsyncIterator[None]:
    """Hold ``pg_advisory_lock(lock_id)`` on one connection of ``engine`` for the block.

    If acquiring is interrupted (cancellation, timeout) or releasing fails, the connection is
    invalidated rather than returned: closing the session is what releases a lock in an unknown
    state, so no pooled connection ever carries a stray lock.
    """
    conn = await engine.connect()
    try:
        await conn.execute(_LOCK, {"lock_id": lock_id})
    except BaseException:
        await _discard(conn)
        raise
    try:
        yield
    finally:
        try:
            released = (await conn.execute(_UNLOCK, {"lock_id": lock_id})).scalar()
        except BaseException:
            await _discard(conn)
            raise
        if released:
            await conn.close()
        else:  # pragma: no cover - the lock was held by this session, unlock cannot miss
            log.warning("advisory lock %s was not held at release; dropping connection", lock_id)
            await _discard(conn)


@contextlib.asynccontextmanager
async def no_lock() -> AsyncIterator[None]:
    """The SQLite stand-in for :func:`pg_advisory_lock`: single-flight is in-process only."""
    yield


async def _discard(conn: AsyncConnection) -> None:
    try:
        await conn.invalidate()
    finally:
        await conn.close()


_TRY_LOCK = text("SELECT pg_try_advisory_lock(:lock_id)")


class SessionLocks:
    """Many advisory locks held on ONE session, for runs that hold a lock per key for a long
    time (a Batch API run waits minutes to hours with every plan key locked): one connection
    instead of one per key, so the number of keys is not bounded by the lock pool.

    Statements on the shared connection are serialised; a lock another process holds is
    polled with ``pg_try_advisory_lock`` (never a blocking wait that would stall the others).
    Closing the session releases whatever it still holds.
    """

    def __init__(self, engine: AsyncEngine, *, poll_seconds: float = 0.2) -> None:
        self._engine = engine
        self._poll = poll_seconds
        self._conn: AsyncConnection | None = None
        self._io = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def hold(self, lock_id: int) -> AsyncIterator[None]:
        while True:
            async with self._io:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                got = (await self._conn.execute(_TRY_LOCK, {"lock_id": lock_id})).scalar()
            if got:
                break
            await asyncio.sleep(self._poll)
        try:
            yield
        finally:
            await asyncio.shield(self._release(lock_id))

    async def _release(self, lock_id: int) -> None:
        async with self._io:
            if self._conn is None:
                return
            try:
                await self._conn.execute(_UNLOCK, {"lock_id": lock_id})
            except Exception:
                log.warning("could not release advisory lock %s: closing its session", lock_id)
                conn, self._conn = self._conn, None
                await _discard(conn)

    async def close(self) -> None:
        async with self._io:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await conn.close()
