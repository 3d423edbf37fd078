"""Without a pre-ping, a read that meets a pooled connection the server closed is retried once
on a fresh connection: the caller sees its answer, not an error."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from lessonplan.store import Store


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
