"""What every repository holds: the transaction's connection and the backend's name."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from lessonplan.store import sql


class Repository:
    def __init__(self, conn: AsyncConnection, *, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        return sql.insert(self.dialect, table)
