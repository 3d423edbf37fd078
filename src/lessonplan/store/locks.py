"""Cross-process single-flight for plan generation.

On PostgreSQL a session-level advisory lock per plan key lets many processes agree that one of
them generates while the others wait and then read the cache. The lock lives on a dedicated
AUTOCOMMIT connection from a pool of its own: a long LLM call never holds a transaction open, and
waiting lock holders cannot starve the pool that the actual reads and writes use.

SQLite offers no such lock: there, single-flight is in-process only (the service adds an
in-process layer for every backend).
"""

from __future__ import annotations

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
