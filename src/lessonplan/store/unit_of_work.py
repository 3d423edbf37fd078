"""The unit of work: one transaction, with a repository per aggregate on it.

::

    async with store.transaction() as tx:
        latest = await tx.lessons.latest_for_update(lesson_id=lesson_id)
        ...
        await tx.lessons.add_version(...)

Everything done through ``tx`` commits together when the block exits, or not at all. A read that
decides a write belongs inside the same block. Nothing slow (an LLM call) runs inside one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from lessonplan.store.repos.batches import BatchRepository
from lessonplan.store.repos.cache import CacheRepository
from lessonplan.store.repos.catalog import CatalogRepository
from lessonplan.store.repos.events import EventRepository
from lessonplan.store.repos.learners import LearnerRepository
from lessonplan.store.repos.lessons import LessonRepository
from lessonplan.store.repos.reviews import ReviewRepository
from lessonplan.store.repos.runs import RunRepository
from lessonplan.store.repos.versions import PlanVersionRepository


@dataclass(frozen=True)
class Transaction:
    """The repositories of one open transaction (``tx.cache``, ``tx.lessons``, ...)."""

    conn: AsyncConnection
    cache: CacheRepository
    versions: PlanVersionRepository
    lessons: LessonRepository
    events: EventRepository
    catalog: CatalogRepository
    learners: LearnerRepository
    reviews: ReviewRepository
    batches: BatchRepository
    runs: RunRepository

    @classmethod
    def on(cls, conn: AsyncConnection, *, dialect: str) -> Transaction:
        return cls(
            conn=conn,
            cache=CacheRepository(conn, dialect=dialect),
            versions=PlanVersionRepository(conn, dialect=dialect),
            lessons=LessonRepository(conn, dialect=dialect),
            events=EventRepository(conn, dialect=dialect),
            catalog=CatalogRepository(conn, dialect=dialect),
            learners=LearnerRepository(conn, dialect=dialect),
            reviews=ReviewRepository(conn, dialect=dialect),
            batches=BatchRepository(conn, dialect=dialect),
            runs=RunRepository(conn, dialect=dialect),
        )
