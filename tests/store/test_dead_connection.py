"""Without a pre-ping, a read that meets a pooled connection the server closed is retried once
on a fresh connection: the caller sees its answer, not an error."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from lessonplan.domain.models import CanDoDescriptor
from lessonplan.store import Store

from .samples import NOW, sample_key, sample_plan
from .test_repository import TTL


async def test_a_read_after_the_server_dropped_the_pool_succeeds(pg_store: Store) -> None:
    assert await pg_store.count_descriptors() >= 0  # a pooled connection now exists
    async with pg_store.engine.connect() as conn:
        pid = (await conn.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
    dsn = make_url(pg_store.url).set(drivername="postgresql").render_as_string(False)
    admin = await asyncpg.connect(dsn)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    assert await pg_store.count_descriptors() >= 0
    assert await pg_store.get_descriptor(uid="nope") is None


async def _seed_hit(store: Store) -> tuple[str, CanDoDescriptor]:
    descriptor = CanDoDescriptor.model_validate(
        {
            "uid": "JF:21",
            "level": "A1",
            "primary_topic_en": "food",
            "description_en": "can order food",
            "description_ja": "注文できる",
        }
    )
    await store.upsert_descriptors(descriptors=[descriptor])
    key = sample_key("JF:21")
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
    )
    held = await store.get_descriptor(uid="JF:21", cached=True)
    assert held is not None
    return key.key_hash, held


async def _backend_pids(store: Store, count: int) -> set[int]:
    """Hold ``count`` pooled connections at once, so the pool keeps that many."""
    async with AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(store.engine.connect()) for _ in range(count)]
        return {(await c.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one() for c in conns}


async def test_a_cached_plan_read_after_every_pooled_backend_was_killed_succeeds(
    pg_store: Store,
) -> None:
    """The hot read (asyncpg's own fetchrow) meets a pool of dead connections: the first one it
    finds dead recycles its peers too, so the single retry lands on a live connection."""
    key_hash, held = await _seed_hit(pg_store)
    pids = await _backend_pids(pg_store, 2)
    dsn = make_url(pg_store.url).set(drivername="postgresql").render_as_string(False)
    admin = await asyncpg.connect(dsn)
    try:
        others = await admin.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for row in others:
            await admin.fetchval("SELECT pg_terminate_backend($1)", row["pid"])
    finally:
        await admin.close()
    assert pids <= {row["pid"] for row in others}
    for _ in range(3):
        entry = await pg_store.cache_get_text(key_hash=key_hash, now=NOW, descriptor=held)
        assert entry is not None and entry.key_hash == key_hash
    assert not pids & await _backend_pids(pg_store, 2)


async def test_a_connection_left_mid_protocol_is_recycled_and_the_read_retried(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminated backend's error read before its end of stream leaves asyncpg's protocol busy
    ("another operation is in progress"): that connection is dropped, not reused."""
    key_hash, held = await _seed_hit(pg_store)
    real = asyncpg.connection.Connection.fetchrow
    broken: list[int] = []

    async def fetchrow_once_broken(self: Any, query: str, *args: Any, **kw: Any) -> Any:
        if not broken:
            broken.append(id(self))
            raise asyncpg.exceptions.InternalClientError(
                "cannot switch to state 12; another operation (2) is in progress"
            )
        assert id(self) not in broken  # the retry runs on another connection
        return await real(self, query, *args, **kw)

    monkeypatch.setattr(asyncpg.connection.Connection, "fetchrow", fetchrow_once_broken)
    entry = await pg_store.cache_get_text(key_hash=key_hash, now=NOW, descriptor=held)
    assert entry is not None and entry.key_hash == key_hash
    assert len(broken) == 1
