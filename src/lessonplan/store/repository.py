"""The repository: every query lessonplan runs lives in :class:`Store`.

Rules that keep concurrent compiles correct (the earlier system broke each of them):

* writes that belong together share one transaction;
* version numbers come from an atomic counter (``UPDATE ... SET n = n + 1 ... RETURNING n``, which
  row-locks), never from ``MAX(version) + 1``;
* rows are created with ``INSERT ... ON CONFLICT DO NOTHING`` and then read, never
  select-then-insert;
* on SQLite, which has one writer, write transactions are serialized inside the process by an
  asyncio lock and start with ``BEGIN IMMEDIATE``, so concurrent tasks wait instead of failing
  with "database is locked" (other processes wait on the busy timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, and_, bindparam, case, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lessonplan.domain.hashing import PlanKey, fingerprint
from lessonplan.domain.lesson import Lesson, StageName, StageRecord, lesson_status
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.errors import UnknownLessonError
from lessonplan.store import tables
from lessonplan.store.engine import backend_of, create_engine, sqlite_writer, upgrade_engine
from lessonplan.store.locks import no_lock, pg_advisory_lock
from lessonplan.store.records import (
    CacheEntry,
    CacheStats,
    GenerationEvent,
    LessonSummary,
    Lineage,
    PlanVersion,
)

_descriptors = cast(Table, tables.Descriptor.__table__)
_learners = cast(Table, tables.Learner.__table__)
_cache = cast(Table, tables.PlanCache.__table__)
# The hot path's statements, built once: SQLAlchemy then reuses their compiled form.
_CACHE_BY_KEY = select(_cache).where(_cache.c.key_hash == bindparam("key_hash"))
_LIVE_CACHE_BY_KEY = _CACHE_BY_KEY.where(_cache.c.expires_at > bindparam("now"))
_lineages = cast(Table, tables.PlanLineage.__table__)
_versions = cast(Table, tables.PlanVersionRow.__table__)
_lessons = cast(Table, tables.LessonRow.__table__)
_lesson_versions = cast(Table, tables.LessonVersionRow.__table__)
_events = cast(Table, tables.GenerationEventRow.__table__)

_EVENT_FIELDS = (
    "at",
    "operation",
    "can_do_id",
    "key_hash",
    "provider",
    "model",
    "outcome",
    "source",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "cost_saved_usd",
    "error_type",
    "quality_issue_count",
    "quality_codes",
)


def new_lesson_id() -> str:
    return "L-" + uuid.uuid4().hex[:12]


class Store:
    """Async data access for lessonplan over PostgreSQL or SQLite. Methods are keyword-only."""

    def __init__(self, engine: AsyncEngine, *, url: str) -> None:
        self._engine = engine
        self._url = url
        self.dialect: str = engine.dialect.name
        is_sqlite = self.dialect == "sqlite"
        self._writer = sqlite_writer(engine) if is_sqlite else engine
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if is_sqlite else None
        self._lock_engine: AsyncEngine | None = None

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrate: bool = True,
        pool_size: int | None = None,
        max_overflow: int | None = None,
    ) -> Store:
        """Connect to ``url`` (creating a SQLite file's directory) and, by default, migrate.

        ``pool_size``/``max_overflow`` size the PostgreSQL pool; keep (size + overflow) × processes
        under the server's ``max_connections``.
        """
        options: dict[str, Any] = {}
        if pool_size is not None and backend_of(url) == "postgresql":
            options["pool_size"] = pool_size
        if max_overflow is not None and backend_of(url) == "postgresql":
            options["max_overflow"] = max_overflow
        engine = create_engine(url, **options)
        try:
            if migrate:
                await upgrade_engine(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine, url=url)

    async def close(self) -> None:
        if self._lock_engine is not None:
            await self._lock_engine.dispose()
            self._lock_engine = None
        await self._engine.dispose()

    @property
    def url(self) -> str:
        """The database URL with any password masked (safe to log)."""
        url = make_url(self._url)
        return self._url if url.password is None else url.render_as_string(hide_password=True)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # --- plumbing ------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """One write transaction; serialized in-process and BEGIN IMMEDIATE on SQLite."""
        if self._write_lock is None:
            async with self._writer.begin() as conn:
                yield conn
            return
        async with self._write_lock, self._writer.begin() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with self._engine.connect() as conn:
            yield conn

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    # --- descriptors ---------------------------------------------------------------------------

    async def upsert_descriptors(self, *, descriptors: Sequence[CanDoDescriptor]) -> int:
        """Insert or replace descriptors, all in one transaction. Returns how many distinct uids."""
        now = _utcnow()
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
        stmt = self._insert(_descriptors)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_descriptors.c.uid],
            set_={
                name: stmt.excluded[name]
                for name in ("level", "topic_en", "content_hash", "data", "updated_at")
            },
        )
        async with self._write() as conn:
            await conn.execute(stmt, rows)
        return len(rows)

    async def get_descriptor(self, *, uid: str) -> CanDoDescriptor | None:
        async with self._read() as conn:
            data = (
                await conn.execute(select(_descriptors.c.data).where(_descriptors.c.uid == uid))
            ).scalar_one_or_none()
        return None if data is None else CanDoDescriptor.model_validate(data)

    async def list_descriptors(self, *, level: str | None = None) -> list[CanDoDescriptor]:
        query = select(_descriptors.c.data).order_by(_descriptors.c.level, _descriptors.c.uid)
        if level is not None:
            query = query.where(_descriptors.c.level == level)
        async with self._read() as conn:
            rows = (await conn.execute(query)).scalars().all()
        return [CanDoDescriptor.model_validate(data) for data in rows]

    async def count_descriptors(self) -> int:
        async with self._read() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(_descriptors))).scalar_one()
            )

    # --- learners ------------------------------------------------------------------------------

    async def save_profile(self, *, profile: LearnerProfile, now: datetime) -> None:
        """Insert or replace a learner's profile (``created_at`` is kept on replace)."""
        data = profile.model_dump(mode="json")
        stmt = self._insert(_learners).values(
            learner_id=profile.learner_id,
            profile=data,
            profile_hash=fingerprint(data),
            created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_learners.c.learner_id],
            set_={name: stmt.excluded[name] for name in ("profile", "profile_hash", "updated_at")},
        )
        async with self._write() as conn:
            await conn.execute(stmt)

    async def get_profile(self, *, learner_id: str) -> LearnerProfile | None:
        query = select(_learners.c.profile).where(_learners.c.learner_id == learner_id)
        async with self._read() as conn:
            data = (await conn.execute(query)).scalar_one_or_none()
        return None if data is None else LearnerProfile.model_validate(data)

    # --- plan cache ----------------------------------------------------------------------------

    async def cache_get(
        self, *, key_hash: str, now: datetime, include_expired: bool = False
    ) -> CacheEntry | None:
        """The entry for ``key_hash``; an expired one only with ``include_expired`` (stale use)."""
        params: dict[str, Any]
        if include_expired:
            query, params = _CACHE_BY_KEY, {"key_hash": key_hash}
        else:
            query, params = _LIVE_CACHE_BY_KEY, {"key_hash": key_hash, "now": now}
        async with self._read() as conn:
            row = (await conn.execute(query, params)).one_or_none()
        return None if row is None else _cache_entry(row, now)

    async def cache_hit(self, *, key_hash: str, now: datetime, count: int = 1) -> None:
        """Count ``count`` hits, atomically (a single UPDATE, no read-modify-write)."""
        await self.cache_hits(hits={key_hash: (count, now)})

    async def cache_hits(self, *, hits: dict[str, tuple[int, datetime]]) -> None:
        """Add batched hit counts ``{key_hash: (count, last_used_at)}`` in one transaction."""
        if not hits:
            return
        async with self._write() as conn:
            for key_hash, (count, now) in sorted(hits.items()):
                await conn.execute(
                    update(_cache)
                    .where(_cache.c.key_hash == key_hash)
                    .values(hits=_cache.c.hits + count, last_used_at=now)
                )

    async def cache_put(
        self,
        *,
        key: PlanKey,
        plan: DomainPlan,
        source: str,
        plan_version: int | None,
        now: datetime,
        ttl: timedelta,
        cost_usd: float = 0.0,
    ) -> None:
        """Insert or replace the entry for ``key``: new plan and lifetime, hit count kept."""
        async with self._write() as conn:
            await self._cache_upsert(
                conn,
                key=key,
                plan=plan,
                source=source,
                plan_version=plan_version,
                now=now,
                ttl=ttl,
                cost_usd=cost_usd,
            )

    async def cache_purge(self, *, now: datetime, grace: timedelta) -> int:
        """Delete entries expired for longer than ``grace`` (kept until then as stale fallbacks)."""
        async with self._write() as conn:
            result = await conn.execute(delete(_cache).where(_cache.c.expires_at < now - grace))
        return int(result.rowcount)

    async def cache_invalidate(self, *, can_do_id: str | None = None) -> int:
        """Delete every entry, or every entry of one descriptor. Returns how many."""
        stmt = delete(_cache)
        if can_do_id is not None:
            stmt = stmt.where(_cache.c.can_do_id == can_do_id)
        async with self._write() as conn:
            result = await conn.execute(stmt)
        return int(result.rowcount)

    async def cache_stats(self, *, now: datetime) -> CacheStats:
        live = func.coalesce(func.sum(case((_cache.c.expires_at > now, 1), else_=0)), 0)
        totals = select(func.count(), live, func.coalesce(func.sum(_cache.c.hits), 0))
        by_model = (
            select(_cache.c.model, func.count()).group_by(_cache.c.model).order_by(_cache.c.model)
        )
        async with self._read() as conn:
            entries, live_count, hits = (await conn.execute(totals)).one()
            models = (await conn.execute(by_model)).all()
        return CacheStats(
            entries=int(entries),
            live=int(live_count),
            expired=int(entries) - int(live_count),
            total_hits=int(hits),
            by_model={str(model): int(count) for model, count in models},
        )

    async def _cache_upsert(
        self,
        conn: AsyncConnection,
        *,
        key: PlanKey,
        plan: DomainPlan,
        source: str,
        plan_version: int | None,
        now: datetime,
        ttl: timedelta,
        cost_usd: float = 0.0,
    ) -> None:
        stmt = self._insert(_cache).values(
            cost_usd=cost_usd,
            key_hash=key.key_hash,
            can_do_id=key.can_do_id,
            profile_hash=key.profile_hash,
            kit_hash=key.kit_hash,
            descriptor_hash=key.descriptor_hash,
            metalanguage=key.metalanguage,
            model=key.model,
            prompt_version=key.prompt_version,
            schema_version=key.schema_version,
            plan_json=plan.model_dump(mode="json"),
            source=source,
            plan_version=plan_version,
            created_at=now,
            expires_at=now + ttl,
            hits=0,
            last_used_at=None,
        )
        replaced = ("plan_json", "source", "plan_version", "created_at", "expires_at", "cost_usd")
        stmt = stmt.on_conflict_do_update(
            index_elements=[_cache.c.key_hash],
            set_={name: stmt.excluded[name] for name in replaced},
        )
        await conn.execute(stmt)

    # --- plan versions (append-only) -----------------------------------------------------------

    async def record_plan(
        self,
        *,
        key: PlanKey,
        plan: DomainPlan,
        source: str,
        model: str,
        prompt_version: str,
        quality_issues: list[dict[str, Any]],
        parent_version: int | None,
        now: datetime,
        ttl: timedelta | None,
        note: str | None = None,
        cache: bool = True,
        cost_usd: float = 0.0,
    ) -> PlanVersion:
        """Append a new active version to the key's lineage and, when ``cache`` and ``ttl`` are
        set, cache the plan under ``key`` with that version number. One transaction.
        """
        async with self._write() as conn:
            lineage_id, version = await self._next_version(
                conn,
                can_do_id=key.can_do_id,
                profile_hash=key.profile_hash,
                kit_hash=key.kit_hash,
                now=now,
                activate=True,
            )
            record = await self._insert_version(
                conn,
                lineage_id=lineage_id,
                can_do_id=key.can_do_id,
                profile_hash=key.profile_hash,
                kit_hash=key.kit_hash,
                version=version,
                plan=plan,
                source=source,
                parent_version=parent_version,
                model=model,
                prompt_version=prompt_version,
                quality_issues=quality_issues,
                note=note,
                now=now,
                is_active=True,
            )
            if cache and ttl is not None:
                await self._cache_upsert(
                    conn,
                    key=key,
                    plan=plan,
                    source=source,
                    plan_version=version,
                    now=now,
                    ttl=ttl,
                    cost_usd=cost_usd,
                )
        return record

    async def add_plan_version(
        self,
        *,
        can_do_id: str,
        profile_hash: str,
        kit_hash: str,
        plan: DomainPlan,
        source: str,
        model: str,
        prompt_version: str,
        quality_issues: list[dict[str, Any]],
        parent_version: int | None,
        now: datetime,
        note: str | None = None,
        activate: bool = True,
    ) -> PlanVersion:
        """Append a version made by hand (rollback, manual edit). When it is activated, every
        cache entry of the lineage serves it from now on, in the same transaction.
        """
        async with self._write() as conn:
            lineage_id, version = await self._next_version(
                conn,
                can_do_id=can_do_id,
                profile_hash=profile_hash,
                kit_hash=kit_hash,
                now=now,
                activate=activate,
            )
            record = await self._insert_version(
                conn,
                lineage_id=lineage_id,
                can_do_id=can_do_id,
                profile_hash=profile_hash,
                kit_hash=kit_hash,
                version=version,
                plan=plan,
                source=source,
                parent_version=parent_version,
                model=model,
                prompt_version=prompt_version,
                quality_issues=quality_issues,
                note=note,
                now=now,
                is_active=activate,
            )
            if activate:
                await conn.execute(
                    update(_cache)
                    .where(_lineage_match(_cache, can_do_id, profile_hash, kit_hash))
                    .values(
                        plan_json=plan.model_dump(mode="json"), plan_version=version, source=source
                    )
                )
        return record

    async def list_plan_versions(
        self, *, can_do_id: str, profile_hash: str, kit_hash: str
    ) -> list[PlanVersion]:
        query = (
            _versions_query()
            .where(_lineage_match(_lineages, can_do_id, profile_hash, kit_hash))
            .order_by(_versions.c.version)
        )
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return [_plan_version(row) for row in rows]

    async def get_plan_version(
        self, *, can_do_id: str, profile_hash: str, kit_hash: str, version: int
    ) -> PlanVersion | None:
        query = (
            _versions_query()
            .where(_lineage_match(_lineages, can_do_id, profile_hash, kit_hash))
            .where(_versions.c.version == version)
        )
        async with self._read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _plan_version(row)

    async def get_active_plan(
        self, *, can_do_id: str, profile_hash: str, kit_hash: str
    ) -> PlanVersion | None:
        query = (
            _versions_query()
            .where(_lineage_match(_lineages, can_do_id, profile_hash, kit_hash))
            .where(_versions.c.version == _lineages.c.active_version)
        )
        async with self._read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _plan_version(row)

    async def list_lineages(self, *, can_do_id: str | None = None) -> list[Lineage]:
        query = select(_lineages).order_by(
            _lineages.c.can_do_id, _lineages.c.profile_hash, _lineages.c.kit_hash
        )
        if can_do_id is not None:
            query = query.where(_lineages.c.can_do_id == can_do_id)
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            Lineage(
                can_do_id=row.can_do_id,
                profile_hash=row.profile_hash,
                kit_hash=row.kit_hash,
                last_version=row.last_version,
                active_version=row.active_version,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def _next_version(
        self,
        conn: AsyncConnection,
        *,
        can_do_id: str,
        profile_hash: str,
        kit_hash: str,
        now: datetime,
        activate: bool,
    ) -> tuple[int, int]:
        """Get-or-create the lineage and bump its counter; returns (lineage id, new version)."""
        await conn.execute(
            self._insert(_lineages)
            .values(
                can_do_id=can_do_id,
                profile_hash=profile_hash,
                kit_hash=kit_hash,
                last_version=0,
                active_version=None,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[
                    _lineages.c.can_do_id,
                    _lineages.c.profile_hash,
                    _lineages.c.kit_hash,
                ]
            )
        )
        # Every SET expression reads the row as it was: both columns get the old value + 1.
        values: dict[str, Any] = {"last_version": _lineages.c.last_version + 1, "updated_at": now}
        if activate:
            values["active_version"] = _lineages.c.last_version + 1
        row = (
            await conn.execute(
                update(_lineages)
                .where(_lineage_match(_lineages, can_do_id, profile_hash, kit_hash))
                .values(values)
                .returning(_lineages.c.id, _lineages.c.last_version)
            )
        ).one()
        return int(row.id), int(row.last_version)

    async def _insert_version(
        self,
        conn: AsyncConnection,
        *,
        lineage_id: int,
        can_do_id: str,
        profile_hash: str,
        kit_hash: str,
        version: int,
        plan: DomainPlan,
        source: str,
        parent_version: int | None,
        model: str,
        prompt_version: str,
        quality_issues: list[dict[str, Any]],
        note: str | None,
        now: datetime,
        is_active: bool,
    ) -> PlanVersion:
        issues = [dict(issue) for issue in quality_issues]
        await conn.execute(
            _versions.insert().values(
                lineage_id=lineage_id,
                can_do_id=can_do_id,
                profile_hash=profile_hash,
                kit_hash=kit_hash,
                version=version,
                plan_json=plan.model_dump(mode="json"),
                source=source,
                parent_version=parent_version,
                model=model,
                prompt_version=prompt_version,
                quality_issues=issues,
                note=note,
                created_at=now,
            )
        )
        return PlanVersion(
            can_do_id=can_do_id,
            profile_hash=profile_hash,
            kit_hash=kit_hash,
            version=version,
            plan=plan,
            source=source,
            parent_version=parent_version,
            model=model,
            prompt_version=prompt_version,
            quality_issues=issues,
            note=note,
            created_at=now,
            is_active=is_active,
        )

    # --- lessons -------------------------------------------------------------------------------

    async def save_lesson(
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
        quality_issues: list[dict[str, Any]] | None = None,
    ) -> Lesson:
        """Store a new version of a lesson, in one transaction.

        With ``lesson_id=None`` the lesson of (descriptor, learner, profile, kit) is found or
        created; with an id, that lesson must exist and belong to ``learner_id`` and
        ``can_do_id`` (UnknownLessonError otherwise) and keeps its own profile and kit hashes.
        """
        async with self._write() as conn:
            if lesson_id is None:
                await conn.execute(
                    self._insert(_lessons)
                    .values(
                        lesson_id=new_lesson_id(),
                        can_do_id=can_do_id,
                        learner_id=learner_id,
                        profile_hash=profile_hash,
                        kit_hash=kit_hash,
                        latest_version=0,
                        created_at=now,
                        updated_at=now,
                        profile_json=None if profile is None else profile.model_dump(mode="json"),
                        kit_json=None if kit is None else kit.model_dump(mode="json"),
                    )
                    .on_conflict_do_nothing(
                        index_elements=[
                            _lessons.c.can_do_id,
                            _lessons.c.learner_id,
                            _lessons.c.profile_hash,
                            _lessons.c.kit_hash,
                        ]
                    )
                )
                where = and_(
                    _lessons.c.can_do_id == can_do_id,
                    _lessons.c.learner_id == learner_id,
                    _lessons.c.profile_hash == profile_hash,
                    _lessons.c.kit_hash == kit_hash,
                )
            else:
                where = and_(
                    _lessons.c.lesson_id == lesson_id,
                    _lessons.c.learner_id == learner_id,
                    _lessons.c.can_do_id == can_do_id,
                )
            row = (
                await conn.execute(
                    update(_lessons)
                    .where(where)
                    .values(latest_version=_lessons.c.latest_version + 1, updated_at=now)
                    .returning(
                        _lessons.c.lesson_id,
                        _lessons.c.latest_version,
                        _lessons.c.profile_hash,
                        _lessons.c.kit_hash,
                    )
                )
            ).one_or_none()
            if row is None:
                raise UnknownLessonError(
                    f"no lesson {lesson_id!r} for learner {learner_id!r} and {can_do_id!r}",
                    lesson_id=lesson_id,
                )
            status = lesson_status(stages)
            stage_data = {name: record.model_dump(mode="json") for name, record in stages.items()}
            plan_data = plan.model_dump(mode="json")
            await conn.execute(
                _lesson_versions.insert().values(
                    lesson_id=row.lesson_id,
                    version=row.latest_version,
                    plan_version=plan_version,
                    plan_json=plan_data,
                    plan_source=plan_source,
                    metalanguage=metalanguage,
                    status=status,
                    stages=stage_data,
                    created_at=now,
                    quality_issues=quality_issues or [],
                )
            )
        return Lesson(
            lesson_id=row.lesson_id,
            version=row.latest_version,
            can_do_id=can_do_id,
            learner_id=learner_id,
            profile_hash=row.profile_hash,
            kit_hash=row.kit_hash,
            plan_version=plan_version,
            plan=plan,
            plan_source=plan_source,
            metalanguage=metalanguage,
            status=status,
            stages=dict(stages),
            created_at=now,
            quality_issues=list(quality_issues or []),
        )

    async def get_lesson(
        self, *, lesson_id: str, version: int | None = None, learner_id: str | None = None
    ) -> Lesson | None:
        """A lesson version (the latest by default). With ``learner_id``, a lesson owned by
        another learner is None: one learner's lesson is never served to another.
        """
        query = (
            select(
                _lessons.c.lesson_id,
                _lessons.c.can_do_id,
                _lessons.c.learner_id,
                _lessons.c.profile_hash,
                _lessons.c.kit_hash,
                _lesson_versions.c.version,
                _lesson_versions.c.plan_version,
                _lesson_versions.c.plan_json,
                _lesson_versions.c.plan_source,
                _lesson_versions.c.metalanguage,
                _lesson_versions.c.status,
                _lesson_versions.c.stages,
                _lesson_versions.c.created_at,
                _lesson_versions.c.quality_issues,
            )
            .join(_lesson_versions, _lesson_versions.c.lesson_id == _lessons.c.lesson_id)
            .where(_lessons.c.lesson_id == lesson_id)
        )
        if version is None:
            query = query.where(_lesson_versions.c.version == _lessons.c.latest_version)
        else:
            query = query.where(_lesson_versions.c.version == version)
        if learner_id is not None:
            query = query.where(_lessons.c.learner_id == learner_id)
        async with self._read() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is None:
            return None
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
            stages={
                name: StageRecord.model_validate(data) for name, data in dict(row.stages).items()
            },
            created_at=row.created_at,
            quality_issues=list(row.quality_issues or []),
        )

    async def get_lesson_inputs(self, *, lesson_id: str) -> tuple[LearnerProfile, PrelessonKit]:
        """The profile and kit a lesson was compiled for (stage prompts need them again)."""
        query = select(_lessons.c.learner_id, _lessons.c.profile_json, _lessons.c.kit_json).where(
            _lessons.c.lesson_id == lesson_id
        )
        async with self._read() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is None:
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}", lesson_id=lesson_id)
        profile = (
            LearnerProfile.model_validate(row.profile_json)
            if row.profile_json
            else LearnerProfile(learner_id=row.learner_id)
        )
        kit = PrelessonKit.model_validate(row.kit_json) if row.kit_json else PrelessonKit()
        return profile, kit

    async def list_lesson_versions(self, *, lesson_id: str) -> list[int]:
        query = (
            select(_lesson_versions.c.version)
            .where(_lesson_versions.c.lesson_id == lesson_id)
            .order_by(_lesson_versions.c.version)
        )
        async with self._read() as conn:
            return [int(v) for v in (await conn.execute(query)).scalars().all()]

    async def list_lessons(
        self,
        *,
        learner_id: str | None = None,
        can_do_id: str | None = None,
        limit: int = 200,
    ) -> list[LessonSummary]:
        """Latest version of each lesson, most recently updated first, in one query."""
        query = (
            select(
                _lessons.c.lesson_id,
                _lessons.c.latest_version,
                _lessons.c.can_do_id,
                _lessons.c.learner_id,
                _lessons.c.updated_at,
                _lesson_versions.c.status,
                _lesson_versions.c.plan_version,
            )
            .join(
                _lesson_versions,
                and_(
                    _lesson_versions.c.lesson_id == _lessons.c.lesson_id,
                    _lesson_versions.c.version == _lessons.c.latest_version,
                ),
            )
            .order_by(_lessons.c.updated_at.desc(), _lessons.c.lesson_id)
            .limit(limit)
        )
        if learner_id is not None:
            query = query.where(_lessons.c.learner_id == learner_id)
        if can_do_id is not None:
            query = query.where(_lessons.c.can_do_id == can_do_id)
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            LessonSummary(
                lesson_id=row.lesson_id,
                version=row.latest_version,
                can_do_id=row.can_do_id,
                learner_id=row.learner_id,
                status=row.status,
                plan_version=row.plan_version,
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    # --- events --------------------------------------------------------------------------------

    async def add_events(self, *, events: Sequence[GenerationEvent]) -> None:
        if not events:
            return
        rows = [{name: getattr(event, name) for name in _EVENT_FIELDS} for event in events]
        async with self._write() as conn:
            await conn.execute(_events.insert(), rows)

    async def list_events(
        self, *, since: datetime | None = None, operation: str | None = None
    ) -> list[GenerationEvent]:
        """Events in time order, from ``since`` (inclusive), optionally of one operation."""
        query = select(_events).order_by(_events.c.at, _events.c.id)
        if since is not None:
            query = query.where(_events.c.at >= since)
        if operation is not None:
            query = query.where(_events.c.operation == operation)
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            GenerationEvent(id=row.id, **{name: getattr(row, name) for name in _EVENT_FIELDS})
            for row in rows
        ]

    # --- health and locks ----------------------------------------------------------------------

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self._read() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    def plan_lock(self, key: PlanKey) -> AbstractAsyncContextManager[None]:
        """Cross-process single-flight for ``key``.

        PostgreSQL: ``pg_advisory_lock(key.lock_id)`` held on a dedicated connection until the
        block exits. SQLite: a no-op; single-flight is in-process only there (the service keeps
        an in-process layer on every backend). Wrap in ``asyncio.timeout`` to bound the wait.
        """
        if self.dialect != "postgresql":
            return no_lock()
        if self._lock_engine is None:
            self._lock_engine = create_engine(
                self._url, pool_size=1, max_overflow=19, isolation_level="AUTOCOMMIT"
            )
        return pg_advisory_lock(self._lock_engine, key.lock_id)


# --- row conversion ------------------------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _lineage_match(table: Table, can_do_id: str, profile_hash: str, kit_hash: str) -> Any:
    return and_(
        table.c.can_do_id == can_do_id,
        table.c.profile_hash == profile_hash,
        table.c.kit_hash == kit_hash,
    )


def _versions_query() -> Any:
    return select(_versions, _lineages.c.active_version).join(
        _lineages, _lineages.c.id == _versions.c.lineage_id
    )


def _plan_version(row: Row[Any]) -> PlanVersion:
    return PlanVersion(
        can_do_id=row.can_do_id,
        profile_hash=row.profile_hash,
        kit_hash=row.kit_hash,
        version=row.version,
        plan=DomainPlan.model_validate(row.plan_json),
        source=row.source,
        parent_version=row.parent_version,
        model=row.model,
        prompt_version=row.prompt_version,
        quality_issues=list(row.quality_issues or []),
        note=row.note,
        created_at=row.created_at,
        is_active=row.version == row.active_version,
    )


def _cache_entry(row: Row[Any], now: datetime) -> CacheEntry:
    return CacheEntry(
        key_hash=row.key_hash,
        can_do_id=row.can_do_id,
        profile_hash=row.profile_hash,
        kit_hash=row.kit_hash,
        model=row.model,
        prompt_version=row.prompt_version,
        plan=DomainPlan.model_validate(row.plan_json),
        source=row.source,
        plan_version=row.plan_version,
        created_at=row.created_at,
        expires_at=row.expires_at,
        hits=row.hits,
        last_used_at=row.last_used_at,
        expired=row.expires_at <= now,
        cost_usd=float(row.cost_usd or 0.0),
    )
