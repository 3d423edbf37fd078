"""Counting database round trips on an engine (tests and benchmarks of the cache-hit path).

Every statement SQLAlchemy sends is one round trip (``before_cursor_execute``), SQLite's
``BEGIN`` included (the store's begin hook sends it as a statement). A transaction's end is one
more (COMMIT or ROLLBACK) when the driver really had one open, and on PostgreSQL so is its
``BEGIN``, which asyncpg sends before the first statement of a non-autocommit transaction (not
a cursor statement, so counted at the end). A pool pre-ping, when enabled, counts too. On
PostgreSQL a read sent on asyncpg's own ``fetchrow`` (the store's hot path does, past
SQLAlchemy's cursor layer) is one round trip too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class RoundTrips:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sync = engine.sync_engine
        self.dialect = engine.dialect.name
        self.count = 0
        self.log: list[str] = []
        self._ping = self._sync.dialect.do_ping
        self._pinging = False
        self._fetchrow: Any = None

    def __enter__(self) -> RoundTrips:
        event.listen(self._sync, "before_cursor_execute", self._statement)
        event.listen(self._sync, "commit", self._end)
        event.listen(self._sync, "rollback", self._end)
        self._sync.dialect.do_ping = self._pinged  # type: ignore[method-assign]
        if self.dialect == "postgresql":
            self._count_driver_reads()
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self._sync, "before_cursor_execute", self._statement)
        event.remove(self._sync, "commit", self._end)
        event.remove(self._sync, "rollback", self._end)
        self._sync.dialect.do_ping = self._ping  # type: ignore[method-assign]
        if self._fetchrow is not None:
            import asyncpg

            asyncpg.Connection.fetchrow = self._fetchrow  # type: ignore[method-assign]
            self._fetchrow = None

    def reset(self) -> None:
        self.count = 0
        self.log.clear()

    def _add(self, what: str, n: int = 1) -> None:
        self.count += n
        self.log.append(what)

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self._add(" ".join(statement.split())[:80])

    def _end(self, conn: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if self.dialect == "postgresql":
            if getattr(dbapi, "_transaction", None) is not None:
                self._add("BEGIN … END", 2)
        elif getattr(conn.connection.driver_connection, "in_transaction", False):
            self._add("COMMIT/ROLLBACK")

    def _pinged(self, dbapi_connection: Any) -> bool:
        self._add("pre-ping")
        self._pinging = True  # the ping's own fetchrow is this one round trip
        try:
            return bool(self._ping(dbapi_connection))
        finally:
            self._pinging = False

    def _count_driver_reads(self) -> None:
        import asyncpg

        original = self._fetchrow = asyncpg.Connection.fetchrow
        counter = self

        async def fetchrow(conn: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            if not counter._pinging:
                counter._add("driver: " + " ".join(query.split())[:72])
            return await original(conn, query, *args, **kwargs)

        asyncpg.Connection.fetchrow = fetchrow  # type: ignore[method-assign]
