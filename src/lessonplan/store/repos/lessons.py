"""Lessons and their versions. A lesson is scoped to (descriptor, learner, whole-profile hash,
whole-kit hash); ``latest_version`` is its counter, bumped by one UPDATE that row-locks it.

To merge one stage into the latest version, a use case calls :meth:`latest_for_update` (which
locks the lesson row on PostgreSQL; on SQLite the transaction already is the only writer) and
then :meth:`add_version` in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update

from lessonplan.domain.issues import QualityIssue, issues_from_json, issues_to_json
from lessonplan.domain.lesson import Lesson, StageName, StageRecord, lesson_status
from lessonplan.domain.models import DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.domain.review import INITIAL_STATE, LEARNER_VISIBLE, ReviewState
from lessonplan.errors import UnknownLessonError
from lessonplan.store import sql
from lessonplan.store.jsontext import models_json
from lessonplan.store.records import LessonSummary
from lessonplan.store.repos.base import Repository

_lessons = sql.lessons
_versions = sql.lesson_versions
_SCOPE = [_lessons.c.can_do_id, _lessons.c.learner_id, _lessons.c.profile_hash, _lessons.c.kit_hash]
_LESSON_COLUMNS = (
    _lessons.c.lesson_id,
    _lessons.c.can_do_id,
    _lessons.c.learner_id,
    _lessons.c.profile_hash,
    _lessons.c.kit_hash,
    _versions.c.version,
    _versions.c.plan_version,
    _versions.c.plan_json,
    _versions.c.plan_source,
    _versions.c.metalanguage,
    _versions.c.status,
    _versions.c.stages,
    _versions.c.created_at,
    _versions.c.quality_issues,
    _versions.c.review_state,
)


_VERSION_COLUMNS = (
    "plan_version",
    "plan_json",
    "plan_source",
    "metalanguage",
    "status",
    "stages",
    "created_at",
    "quality_issues",
    "review_state",
)
_SCOPE_COLUMNS = (
    "lesson_id",
    "can_do_id",
    "learner_id",
    "profile_hash",
    "kit_hash",
    "profile_json",
    "kit_json",
)


@lru_cache(maxsize=2)
def _scope_upsert(dialect: str) -> Any:
    """The upsert of a scope's lesson, built once per backend with named parameters (the
    ``_SCOPE_COLUMNS`` and ``now``): created at version 1, or its counter bumped by one (its row
    locked, as an UPDATE locks it); returns (lesson_id, latest_version)."""
    now = bindparam("now", type_=_lessons.c.created_at.type)
    return (
        sql.insert(dialect, _lessons)
        .values(
            **{name: bindparam(name, type_=_lessons.c[name].type) for name in _SCOPE_COLUMNS},
            latest_version=1,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=_SCOPE,
            set_={"latest_version": _lessons.c.latest_version + 1, "updated_at": now},
        )
        .returning(_lessons.c.lesson_id, _lessons.c.latest_version)
    )


@lru_cache(maxsize=1)
def _pg_new_version() -> Any:
    """A new compile's version on PostgreSQL as one statement, built once: the scope's upsert
    (:func:`_scope_upsert`) and the version inserted at the number it returns (parameters
    ``v_<column>`` for the ``_VERSION_COLUMNS``)."""
    bumped = _scope_upsert("postgresql").cte("bumped")
    return (
        _versions.insert()
        .add_cte(bumped)
        .from_select(
            ["lesson_id", "version", *_VERSION_COLUMNS],
            select(
                bumped.c.lesson_id,
                bumped.c.latest_version,
                *(
                    bindparam(f"v_{name}", type_=_versions.c[name].type)
                    for name in _VERSION_COLUMNS
                ),
            ),
        )
        .returning(_versions.c.lesson_id, _versions.c.version)
    )


def _scope_params(
    can_do_id: str,
    learner_id: str,
    profile_hash: str,
    kit_hash: str,
    now: datetime,
    profile: LearnerProfile | None,
    kit: PrelessonKit | None,
) -> dict[str, Any]:
    """The parameters of :func:`_scope_upsert`: a new lesson row of this scope."""
    return {
        "lesson_id": new_lesson_id(),
        "can_do_id": can_do_id,
        "learner_id": learner_id,
        "profile_hash": profile_hash,
        "kit_hash": kit_hash,
        "profile_json": None if profile is None else profile.model_dump(mode="json"),
        "kit_json": None if kit is None else kit.model_dump(mode="json"),
        "now": now,
    }


def saved_in_one_statement(*, dialect: str, lesson_id: str | None, review_state: str) -> bool:
    """Whether :meth:`LessonRepository.add_version` writes in one statement (then atomic by
    itself, no transaction needed): a new compile's version on PostgreSQL, with no review row."""
    return dialect == "postgresql" and lesson_id is None and review_state == INITIAL_STATE


def new_lesson_id() -> str:
    return "L-" + uuid.uuid4().hex[:12]


class LessonRepository(Repository):
    async def add_version(
        self,
        *,
        lesson_id: str | None,
        can_do_id: str,
        learner_id: str,
        profile_hash: str,
        kit_hash: str,
        plan_version: int | None,
        plan: DomainPlan,
        plan_source: str,
        metalanguage: str,
        stages: dict[StageName, StageRecord],
        now: datetime,
        profile: LearnerProfile | None = None,
        kit: PrelessonKit | None = None,
        quality_issues: Sequence[QualityIssue] | None = None,
        review_state: ReviewState = INITIAL_STATE,
        review_actor: str = "",
    ) -> Lesson:
        """Store the next version of a lesson, in ``review_state`` (a state other than draft is
        recorded in the review history as set by ``review_actor``).

        With ``lesson_id=None`` the lesson of (descriptor, learner, whole-profile hash, whole-kit
        hash) is found or created; with an id, that lesson must exist and belong to
        ``learner_id`` and ``can_do_id`` (UnknownLessonError otherwise) and keeps its own hashes.
        """
        status = lesson_status(stages)
        version_values: dict[str, Any] = {  # the _VERSION_COLUMNS
            "plan_version": plan_version,
            "plan_json": plan.model_dump(mode="json"),
            "plan_source": plan_source,
            "metalanguage": metalanguage,
            "status": status,
            "stages": models_json(stages),
            "created_at": now,
            "quality_issues": issues_to_json(quality_issues or []),
            "review_state": review_state,
        }
        if lesson_id is None and self.dialect == "postgresql":
            # The lesson of this scope, created or bumped, and its version: one statement.
            scope = _scope_params(can_do_id, learner_id, profile_hash, kit_hash, now, profile, kit)
            params = scope | {f"v_{name}": version_values[name] for name in _VERSION_COLUMNS}
            stored = (await self.conn.execute(_pg_new_version(), params)).one()
            stored_id, stored_version = stored.lesson_id, stored.version
            stored_hashes = (profile_hash, kit_hash)  # the scope's own
        else:
            if lesson_id is None:
                scope = _scope_params(
                    can_do_id, learner_id, profile_hash, kit_hash, now, profile, kit
                )
                row = (await self.conn.execute(_scope_upsert(self.dialect), scope)).one()
                stored_id, stored_version = row.lesson_id, row.latest_version
                stored_hashes = (profile_hash, kit_hash)
            else:
                lesson = (
                    await self.conn.execute(
                        update(_lessons)
                        .where(
                            and_(
                                _lessons.c.lesson_id == lesson_id,
                                _lessons.c.learner_id == learner_id,
                                _lessons.c.can_do_id == can_do_id,
                            )
                        )
                        .values(latest_version=_lessons.c.latest_version + 1, updated_at=now)
                        .returning(
                            _lessons.c.latest_version, _lessons.c.profile_hash, _lessons.c.kit_hash
                        )
                    )
                ).one_or_none()
                if lesson is None:
                    raise UnknownLessonError(
                        f"no lesson {lesson_id!r} for learner {learner_id!r} and {can_do_id!r}",
                        lesson_id=lesson_id,
                    )
                stored_id, stored_version = lesson_id, lesson.latest_version
                stored_hashes = (lesson.profile_hash, lesson.kit_hash)
            await self.conn.execute(
                _versions.insert().values(
                    lesson_id=stored_id, version=stored_version, **version_values
                )
            )
        if review_state != INITIAL_STATE:
            await self.conn.execute(
                sql.lesson_reviews.insert().values(
                    lesson_id=stored_id,
                    version=stored_version,
                    from_state=None,
                    to_state=review_state,
                    actor=review_actor or "lessonplan",
                    note=None,
                    at=now,
                )
            )
        return Lesson(
            lesson_id=stored_id,
            version=stored_version,
            can_do_id=can_do_id,
            learner_id=learner_id,
            profile_hash=stored_hashes[0],
            kit_hash=stored_hashes[1],
            plan_version=plan_version,
            plan=plan,
            plan_source=plan_source,
            metalanguage=metalanguage,
            status=status,
            stages=dict(stages),
            created_at=now,
            quality_issues=list(quality_issues or []),
            review_state=review_state,
        )

    async def latest_for_update(
        self, *, lesson_id: str, learner_id: str | None = None
    ) -> Lesson | None:
        """The latest version, with the lesson row locked until the transaction ends
        (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writer already excludes the others).
        """
        lock = select(_lessons.c.latest_version).where(_lessons.c.lesson_id == lesson_id)
        if learner_id is not None:
            lock = lock.where(_lessons.c.learner_id == learner_id)
        if (await self.conn.execute(lock.with_for_update())).one_or_none() is None:
            return None
        return await self.get(lesson_id=lesson_id, learner_id=learner_id)

    async def get(
        self,
        *,
        lesson_id: str,
        version: int | None = None,
        learner_id: str | None = None,
        published_only: bool = False,
    ) -> Lesson | None:
        """A lesson version (the latest by default). With ``learner_id``, a lesson owned by
        another learner is None: one learner's lesson is never served to another. With
        ``published_only``, what a learner may see: the latest published version (or ``version``
        only if it is published).
        """
        query = (
            select(*_LESSON_COLUMNS)
            .join(_versions, _versions.c.lesson_id == _lessons.c.lesson_id)
            .where(_lessons.c.lesson_id == lesson_id)
        )
        if version is not None:
            query = query.where(_versions.c.version == version)
        elif published_only:
            query = query.where(_versions.c.version == _latest_published(_lessons.c.lesson_id))
        else:
            query = query.where(_versions.c.version == _lessons.c.latest_version)
        if published_only:
            query = query.where(_versions.c.review_state == LEARNER_VISIBLE)
        if learner_id is not None:
            query = query.where(_lessons.c.learner_id == learner_id)
        row = (await self.conn.execute(query)).one_or_none()
        return None if row is None else _lesson(row)

    async def inputs(self, *, lesson_id: str) -> tuple[LearnerProfile, PrelessonKit]:
        """The profile and kit a lesson was compiled for (stage prompts need them again)."""
        query = select(_lessons.c.learner_id, _lessons.c.profile_json, _lessons.c.kit_json).where(
            _lessons.c.lesson_id == lesson_id
        )
        row = (await self.conn.execute(query)).one_or_none()
        if row is None:
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}", lesson_id=lesson_id)
        profile = (
            LearnerProfile.model_validate(row.profile_json)
            if row.profile_json
            else LearnerProfile(learner_id=row.learner_id)
        )
        kit = PrelessonKit.model_validate(row.kit_json) if row.kit_json else PrelessonKit()
        return profile, kit

    async def version_numbers(self, *, lesson_id: str) -> list[int]:
        query = (
            select(_versions.c.version)
            .where(_versions.c.lesson_id == lesson_id)
            .order_by(_versions.c.version)
        )
        return [int(v) for v in (await self.conn.execute(query)).scalars().all()]

    async def summaries(
        self,
        *,
        learner_id: str | None = None,
        can_do_id: str | None = None,
        limit: int = 200,
        published_only: bool = False,
    ) -> list[LessonSummary]:
        """Latest version of each lesson (latest published one with ``published_only``; a
        lesson with none is left out), most recently updated first, in one query."""
        shown = (
            _latest_published(_lessons.c.lesson_id) if published_only else _lessons.c.latest_version
        )
        query = (
            select(
                _lessons.c.lesson_id,
                _versions.c.version,
                _lessons.c.can_do_id,
                _lessons.c.learner_id,
                _lessons.c.updated_at,
                _versions.c.status,
                _versions.c.plan_version,
                _versions.c.review_state,
            )
            .select_from(
                _lessons.join(
                    _versions,
                    and_(
                        _versions.c.lesson_id == _lessons.c.lesson_id, _versions.c.version == shown
                    ),
                )
            )
            .order_by(_lessons.c.updated_at.desc(), _lessons.c.lesson_id)
            .limit(limit)
        )
        if learner_id is not None:
            query = query.where(_lessons.c.learner_id == learner_id)
        if can_do_id is not None:
            query = query.where(_lessons.c.can_do_id == can_do_id)
        return [
            LessonSummary(
                lesson_id=row.lesson_id,
                version=row.version,
                can_do_id=row.can_do_id,
                learner_id=row.learner_id,
                status=row.status,
                plan_version=row.plan_version,
                updated_at=row.updated_at,
                review_state=row.review_state,
            )
            for row in (await self.conn.execute(query)).all()
        ]


def _latest_published(lesson_id: Any) -> Any:
    """The number of a lesson's latest published version (a correlated scalar subquery)."""
    published = _versions.alias("published")
    return (
        select(func.max(published.c.version))
        .where(published.c.lesson_id == lesson_id, published.c.review_state == LEARNER_VISIBLE)
        .scalar_subquery()
    )


def _lesson(row: Any) -> Lesson:
    return Lesson(
        lesson_id=row.lesson_id,
        version=row.version,
        can_do_id=row.can_do_id,
        learner_id=row.learner_id,
        profile_hash=row.profile_hash,
        kit_hash=row.kit_hash,
        plan_version=row.plan_version,
        plan=DomainPlan.model_validate(row.plan_json),
        plan_source=row.plan_source,
        metalanguage=row.metalanguage,
        status=row.status,
        stages={name: StageRecord.model_validate(data) for name, data in dict(row.stages).items()},
        created_at=row.created_at,
        quality_issues=issues_from_json(row.quality_issues),
        review_state=row.review_state,
    )


async def find_lesson_id(
    repo: LessonRepository, *, can_do_id: str, learner_id: str, profile_hash: str, kit_hash: str
) -> str | None:
    """The lesson stored for exactly these inputs, if any (a finished precompile key)."""
    query = select(_lessons.c.lesson_id).where(
        _lessons.c.can_do_id == can_do_id,
        _lessons.c.learner_id == learner_id,
        _lessons.c.profile_hash == profile_hash,
        _lessons.c.kit_hash == kit_hash,
        _lessons.c.latest_version > 0,
    )
    found = (await repo.conn.execute(query)).scalar_one_or_none()
    return None if found is None else str(found)
