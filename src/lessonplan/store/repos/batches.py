"""Batches sent to provider Batch APIs: opened, found again by their custom_ids, closed."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update

from lessonplan.store import sql
from lessonplan.store.repos.base import Repository

_t = sql.llm_batches
OPEN = "in_progress"


def ids_hash(custom_ids: list[str]) -> str:
    """The same set of custom_ids, in any order, has one hash."""
    return hashlib.sha256("\n".join(sorted(custom_ids)).encode()).hexdigest()


class BatchRepository(Repository):
    async def add(
        self, *, provider: str, batch_id: str, custom_ids: list[str], now: datetime
    ) -> None:
        await self.conn.execute(
            _t.insert().values(
                provider=provider,
                batch_id=batch_id,
                status=OPEN,
                custom_ids=list(custom_ids),
                ids_hash=ids_hash(custom_ids),
                items=len(custom_ids),
                created_at=now,
                updated_at=now,
            )
        )

    async def find_open(self, *, provider: str, custom_ids: list[str]) -> str | None:
        """The newest open batch of exactly these custom_ids."""
        query = (
            select(_t.c.batch_id)
            .where(
                _t.c.provider == provider,
                _t.c.status == OPEN,
                _t.c.ids_hash == ids_hash(custom_ids),
            )
            .order_by(_t.c.id.desc())
            .limit(1)
        )
        return (await self.conn.execute(query)).scalar_one_or_none()

    async def set_status(self, *, provider: str, batch_id: str, status: str, now: datetime) -> None:
        await self.conn.execute(
            update(_t)
            .where(_t.c.provider == provider, _t.c.batch_id == batch_id)
            .values(status=status, updated_at=now)
        )

    async def list_open(self) -> list[tuple[str, str]]:
        """(provider, batch_id) of every batch not yet ingested."""
        query = select(_t.c.provider, _t.c.batch_id).where(_t.c.status == OPEN).order_by(_t.c.id)
        return [(row.provider, row.batch_id) for row in await self.conn.execute(query)]
