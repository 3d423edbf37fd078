"""Stored learner profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lessonplan.domain.hashing import fingerprint
from lessonplan.domain.models import LearnerProfile
from lessonplan.store import sql
from lessonplan.store.repos.base import Repository

_t = sql.learners


class LearnerRepository(Repository):
    async def save(self, *, profile: LearnerProfile, now: datetime) -> None:
        """Insert or replace a learner's profile (``created_at`` is kept on replace)."""
        data = profile.model_dump(mode="json")
        stmt = self._insert(_t).values(
            learner_id=profile.learner_id,
            profile=data,
            profile_hash=fingerprint(data),
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_t.c.learner_id],
            set_={name: stmt.excluded[name] for name in ("profile", "profile_hash", "updated_at")},
        )
        await self.conn.execute(stmt)

    async def get(self, *, learner_id: str) -> LearnerProfile | None:
        query = select(_t.c.profile).where(_t.c.learner_id == learner_id)
        data = (await self.conn.execute(query)).scalar_one_or_none()
        return None if data is None else LearnerProfile.model_validate(data)

    async def ids(self, *, limit: int = 500) -> list[str]:
        """Stored learner ids, in order (for pickers)."""
        query = select(_t.c.learner_id).order_by(_t.c.learner_id).limit(limit)
        return [str(v) for v in (await self.conn.execute(query)).scalars().all()]
