"""Engine settings per backend, the UTC datetime type and URL handling."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from lessonplan.errors import ConfigurationError
from lessonplan.store import Store, create_engine
from lessonplan.store.engine import backend_of

from .samples import NOW, sample_key, sample_plan


async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    sqlite_store: Store,
) -> None:
    async with sqlite_store.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000


async def test_first_connection_waits_for_a_writer_before_switching_to_wal(tmp_path: Path) -> None:
    """SQLite refuses a journal-mode switch at once ("database is locked", no busy wait) while
    another connection writes, as when processes open a blank file together: the engine's first
    connection waits for the writer instead of failing, then puts the file in WAL."""
    path = tmp_path / "shared.db"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("CREATE TABLE t (i INTEGER)")
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with engine.connect() as conn:
                assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await conn.execute(text("SELECT i FROM t"))).scalars().all() == [1]
        finally:
            await engine.dispose()
    finally:
        other.close()


async def test_datetimes_read_back_as_aware_utc(store: Store) -> None:
    tokyo = timezone(timedelta(hours=9))
    local = NOW.astimezone(tokyo)
    await store.cache_put(
        key=sample_key(),
        plan=sample_plan(),
        source="generated",
        plan_version=None,
        now=local,
        ttl=timedelta(hours=1),
    )
    entry = await store.cache_get(key_hash=sample_key().key_hash, now=NOW)
    assert entry is not None
    assert entry.created_at == NOW
    assert entry.created_at.tzinfo is not None
    assert entry.created_at.utcoffset() == timedelta(0)
    assert entry.expires_at == NOW + timedelta(hours=1)


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await store.cache_put(
            key=sample_key(),
            plan=sample_plan(),
            source="generated",
            plan_version=None,
            now=datetime(2026, 1, 1),
            ttl=timedelta(hours=1),
        )


def test_backend_of_accepts_only_async_drivers() -> None:
    assert backend_of("sqlite+aiosqlite:///x.db") == "sqlite"
    assert backend_of("postgresql+asyncpg://u@h/db") == "postgresql"
    with pytest.raises(ConfigurationError):
        backend_of("postgresql://u@h/db")
    with pytest.raises(ConfigurationError):
        backend_of("mysql+aiomysql://u@h/db")


async def test_url_and_repr_mask_the_password() -> None:
    url = "postgresql+asyncpg://lp:s3cret@db.example:5432/lessonplan"
    store = Store(create_engine(url), url=url)  # no connection is made
    try:
        assert store.dialect == "postgresql"
        assert "s3cret" not in store.url
        assert "s3cret" not in repr(store)
        assert "***" in store.url
    finally:
        await store.close()


async def test_ping_reports_an_unreachable_database() -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    store = Store(create_engine(url, pool_pre_ping=False), url=url)
    try:
        assert await store.ping() is False
    finally:
        await store.close()
