"""The Can-Do catalog: descriptors by uid."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select

from lessonplan.domain.hashing import fingerprint
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.store import sql
from lessonplan.store.repos.base import Repository

_t = sql.descriptors
_WITH_HASH = select(_t.c.data, _t.c.content_hash).where(_t.c.uid == bindparam("uid"))


class CatalogRepository(Repository):
    async def upsert(self, *, descriptors: Sequence[CanDoDescriptor], now: datetime) -> int:
        """Insert or replace descriptors. Returns how many distinct uids."""
        by_uid = {d.uid: d for d in descriptors}
        if not by_uid:
            return 0
        rows = [
            {
                "uid": d.uid,
                "level": d.level,
                "topic_en": d.primary_topic_en,
                "content_hash": fingerprint(d),
                "data": d.model_dump(mode="json"),
                "updated_at": now,
            }
            for d in by_uid.values()
        ]
        stmt = self._insert(_t)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_t.c.uid],
            set_={
                name: stmt.excluded[name]
                for name in ("level", "topic_en", "content_hash", "data", "updated_at")
            },
        )
        await self.conn.execute(stmt, rows)
        return len(rows)

    async def get(self, *, uid: str) -> CanDoDescriptor | None:
        data = (
            await self.conn.execute(select(_t.c.data).where(_t.c.uid == uid))
        ).scalar_one_or_none()
        return None if data is None else CanDoDescriptor.model_validate(data)

    async def get_with_hash(self, *, uid: str) -> tuple[CanDoDescriptor, str] | None:
        """The descriptor and its content hash (what the plan path holds and later verifies)."""
        row = (await self.conn.execute(_WITH_HASH, {"uid": uid})).one_or_none()
        return None if row is None else (CanDoDescriptor.model_validate(row.data), row.content_hash)

    async def all(self, *, level: str | None = None) -> list[CanDoDescriptor]:
        query = select(_t.c.data).order_by(_t.c.level, _t.c.uid)
        if level is not None:
            query = query.where(_t.c.level == level)
        rows = (await self.conn.execute(query)).scalars().all()
        return [CanDoDescriptor.model_validate(data) for data in rows]

    async def count(self) -> int:
        return int((await self.conn.execute(select(func.count()).select_from(_t))).scalar_one())
