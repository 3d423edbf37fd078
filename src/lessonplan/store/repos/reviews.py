"""Review states of lesson versions and their append-only history.

A change of state is one use case: :meth:`state_for_update` locks the version row (``SELECT ...
FOR UPDATE`` on PostgreSQL), the service checks the move, then :meth:`record` updates the state
and appends the history row in the same transaction. Two reviewers acting at once are ordered.
"""

from __future__ import annotations

from sqlalchemy import and_, select, update

from lessonplan.domain.review import ReviewEvent, ReviewState, parse_state
from lessonplan.store import sql
from lessonplan.store.records import LessonVersionSummary
from lessonplan.store.repos.base import Repository

_versions = sql.lesson_versions
_reviews = sql.lesson_reviews


class ReviewRepository(Repository):
    async def state_for_update(self, *, lesson_id: str, version: int) -> ReviewState | None:
        """The version's state, its row locked until the transaction ends; None if no version."""
        query = (
            select(_versions.c.review_state)
            .where(and_(_versions.c.lesson_id == lesson_id, _versions.c.version == version))
            .with_for_update()
        )
        state = (await self.conn.execute(query)).scalar_one_or_none()
        return None if state is None else parse_state(state)

    async def record(self, *, event: ReviewEvent) -> None:
        await self.conn.execute(
            update(_versions)
            .where(
                and_(_versions.c.lesson_id == event.lesson_id, _versions.c.version == event.version)
            )
            .values(review_state=event.to_state)
        )
        await self.conn.execute(
            _reviews.insert().values(
                lesson_id=event.lesson_id,
                version=event.version,
                from_state=event.from_state,
                to_state=event.to_state,
                actor=event.actor,
                note=event.note,
                at=event.at,
            )
        )

    async def history(self, *, lesson_id: str, version: int | None = None) -> list[ReviewEvent]:
        """Every change of state, oldest first (of one version, or of all the lesson's)."""
        query = select(_reviews).where(_reviews.c.lesson_id == lesson_id)
        if version is not None:
            query = query.where(_reviews.c.version == version)
        query = query.order_by(_reviews.c.at, _reviews.c.id)
        return [
            ReviewEvent(
                lesson_id=row.lesson_id,
                version=row.version,
                from_state=row.from_state,
                to_state=row.to_state,
                actor=row.actor,
                note=row.note,
                at=row.at,
            )
            for row in (await self.conn.execute(query)).all()
        ]

    async def versions(self, *, lesson_id: str) -> list[LessonVersionSummary]:
        """Every version of a lesson with its review state, oldest first."""
        query = (
            select(
                _versions.c.version,
                _versions.c.review_state,
                _versions.c.status,
                _versions.c.plan_version,
                _versions.c.plan_source,
                _versions.c.created_at,
            )
            .where(_versions.c.lesson_id == lesson_id)
            .order_by(_versions.c.version)
        )
        return [
            LessonVersionSummary(
                version=row.version,
                review_state=row.review_state,
                status=row.status,
                plan_version=row.plan_version,
                plan_source=row.plan_source,
                created_at=row.created_at,
            )
            for row in (await self.conn.execute(query)).all()
        ]
