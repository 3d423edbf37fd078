"""The store: engines, the unit of work (:meth:`Store.transaction`) and single-flight locks.

Rules that keep concurrent compiles correct (the earlier system broke each of them):

* a use case's reads that decide its writes, and the writes, share one transaction
  (``async with store.transaction() as tx``), with a repository per aggregate on ``tx``;
* version numbers come from a counter read under the row's lock, never from ``MAX(version) + 1``;
* rows are created with ``INSERT ... ON CONFLICT DO NOTHING`` and then read, never
  select-then-insert;
* on SQLite, which has one writer, write transactions are serialized inside the process by an
  asyncio lock and start with ``BEGIN IMMEDIATE``, so concurrent tasks wait instead of failing
  with "database is locked" (other processes wait on the busy timeout);
* database unavailability surfaces as :class:`~lessonplan.errors.StoreUnavailableError`.

The other methods of :class:`Store` are one-transaction shortcuts over the repositories, kept for
callers that need a single read or write. A single read is one statement and nothing else: no
pre-ping, no BEGIN/ROLLBACK around it (:func:`~lessonplan.store.engine.reader`); a read that
meets a dead pooled connection is retried once on a fresh one.

Descriptors asked for with ``cached=True`` (the plan path) are held in process: an import
through this store drops them, and :meth:`Store.cache_get` given such a descriptor checks in
its own statement that the catalog still holds that content, so an import by another process
is seen on the next request (:class:`DescriptorChanged`) without another round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.hashing import Lineage, PlanKey
from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import Lesson, StageName, StageRecord
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.domain.review import INITIAL_STATE, ReviewEvent, ReviewState
from lessonplan.store.engine import (
    backend_of,
    create_engine,
    ensure_migrated,
    reader,
    sqlite_writer,
)
from lessonplan.store.errors import DescriptorChanged, translate_errors
from lessonplan.store.locks import SessionLocks, no_lock, pg_advisory_lock
from lessonplan.store.records import (
    CachedPlanText,
    CacheEntry,
    CacheStats,
    GenerationEvent,
    LessonSummary,
    LessonVersionSummary,
    LineageRecord,
    PlanVersion,
)
from lessonplan.store.repos.cache import (
    CHECKED_TEXT,
    checked_text,
    checked_text_params,
    fetch_row_on_driver,
)
from lessonplan.store.repos.lessons import new_lesson_id, saved_in_one_statement
from lessonplan.store.repos.versions import Parent
from lessonplan.store.rollups import Rollup
from lessonplan.store.sql import utcnow
from lessonplan.store.unit_of_work import Transaction

__all__ = ["DescriptorChanged", "Store", "Transaction", "new_lesson_id"]

T = TypeVar("T")

# Connections the advisory-lock pool may hold: one per plan key being generated at once.
DEFAULT_LOCK_POOL_MAX = 20


class Store:
    """Async data access for lessonplan over PostgreSQL or SQLite. Methods are keyword-only."""

    def __init__(
        self, engine: AsyncEngine, *, url: str, lock_pool_max: int = DEFAULT_LOCK_POOL_MAX
    ) -> None:
        self._engine = engine
        self._url = url
        self.dialect: str = engine.dialect.name
        is_sqlite = self.dialect == "sqlite"
        self._writer = sqlite_writer(engine) if is_sqlite else engine
        self._reader = reader(engine)
        # uid -> (descriptor, its catalog content hash): the plan path's descriptors.
        self._descriptors: dict[str, tuple[CanDoDescriptor, str]] = {}
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if is_sqlite else None
        self._lock_engine: AsyncEngine | None = None
        self._session_locks: SessionLocks | None = None
        self._lock_pool_max = max(1, lock_pool_max)

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrate: bool = True,
        pool_size: int | None = None,
        max_overflow: int | None = None,
        lock_pool_max: int = DEFAULT_LOCK_POOL_MAX,
    ) -> Store:
        """Connect to ``url`` (creating a SQLite file's directory) and, by default, migrate.

        ``pool_size``/``max_overflow`` size the PostgreSQL pool, ``lock_pool_max`` the pool of
        advisory-lock connections; keep their sum × processes under ``max_connections``.
        """
        options: dict[str, Any] = {}
        if pool_size is not None and backend_of(url) == "postgresql":
            options["pool_size"] = pool_size
        if max_overflow is not None and backend_of(url) == "postgresql":
            options["max_overflow"] = max_overflow
        engine = create_engine(url, **options)
        try:
            if migrate:
                with translate_errors():
                    await ensure_migrated(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine, url=url, lock_pool_max=lock_pool_max)

    async def warm(self) -> None:
        """Open now the connections a first compile would open on its way: one of the pool
        (reads and writes) and, on PostgreSQL, one of the advisory-lock pool (its engine made
        then). They stay pooled for the compiles that follow."""
        with translate_errors():
            engines = [self._engine]
            if self.dialect == "postgresql" and self._session_locks is None:
                engines.append(self._locks_engine())
            for engine in engines:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))

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

    # --- the unit of work ----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        """One transaction with every repository on it; commits when the block exits.

        Write transactions are serialized in-process and begin IMMEDIATE on SQLite; on PostgreSQL
        they run at READ COMMITTED and take row locks where a read decides a write.
        """
        with translate_errors():
            if readonly:
                async with self._engine.connect() as conn, conn.begin():
                    yield Transaction.on(conn, dialect=self.dialect)
            elif self._write_lock is None:
                async with self._writer.begin() as conn:
                    yield Transaction.on(conn, dialect=self.dialect)
            else:
                async with self._write_lock, self._writer.begin() as conn:
                    yield Transaction.on(conn, dialect=self.dialect)

    async def read(self, fn: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run one read (``fn`` gets the repositories) outside any transaction: one statement
        costs one round trip. A connection found dead (the server restarted, the backend was
        terminated) is dropped with its pool's stale peers and the read runs once more."""
        return await self._once_more_if_lost(lambda: self._autocommit(fn))

    async def _once_more_if_lost(self, op: Callable[[], Awaitable[T]]) -> T:
        """``op()``, and once more when the connection it ran on was found dead (and dropped
        with its pool's older peers); database unavailability raised as the store's error."""
        with translate_errors():
            try:
                return await op()
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
            return await op()

    def _read(self) -> AbstractAsyncContextManager[Transaction]:
        """A read-only transaction: reads of several statements that must see one snapshot."""
        return self.transaction(readonly=True)

    async def _autocommit(self, fn: Callable[[Transaction], Awaitable[T]]) -> T:
        """``fn`` on a pooled connection in autocommit: each statement is its own transaction
        (reads, and writes of one statement)."""
        async with self._reader.connect() as conn:
            return await fn(Transaction.on(conn, dialect=self.dialect))

    # --- descriptors ---------------------------------------------------------------------------

    async def upsert_descriptors(self, *, descriptors: Sequence[CanDoDescriptor]) -> int:
        """Insert or replace descriptors, all in one transaction. Returns how many distinct uids."""
        if not descriptors:
            return 0
        try:
            async with self.transaction() as tx:
                return await tx.catalog.upsert(descriptors=descriptors, now=utcnow())
        finally:
            for descriptor in descriptors:
                self._descriptors.pop(descriptor.uid, None)

    async def get_descriptor(self, *, uid: str, cached: bool = False) -> CanDoDescriptor | None:
        """The descriptor ``uid``. ``cached``: the copy held in process when there is one (pass
        it to :meth:`cache_get`, which verifies it against the catalog in the same statement)."""
        if cached:
            held = self._descriptors.get(uid)
            if held is not None:
                return held[0]
        found = await self.read(lambda tx: tx.catalog.get_with_hash(uid=uid))
        if found is None:
            self._descriptors.pop(uid, None)
            return None
        if cached:
            self._descriptors[uid] = found
        return found[0]

    def forget_descriptor(self, uid: str) -> None:
        """Drop the in-process copy of ``uid`` (the next ``cached`` read fetches it)."""
        self._descriptors.pop(uid, None)

    async def list_descriptors(self, *, level: str | None = None) -> list[CanDoDescriptor]:
        return await self.read(lambda tx: tx.catalog.all(level=level))

    async def search_descriptors(self, *, query: CatalogQuery) -> tuple[list[CanDoDescriptor], int]:
        """A page of the catalog matching ``query``, and the number of matches in all."""
        async with self._read() as tx:
            return await tx.catalog.search(query=query)

    async def count_descriptors(self) -> int:
        return await self.read(lambda tx: tx.catalog.count())

    # --- learners ------------------------------------------------------------------------------

    async def save_profile(self, *, profile: LearnerProfile, now: datetime) -> None:
        async with self.transaction() as tx:
            await tx.learners.save(profile=profile, now=now)

    async def get_profile(self, *, learner_id: str) -> LearnerProfile | None:
        return await self.read(lambda tx: tx.learners.get(learner_id=learner_id))

    async def list_learner_ids(self, *, limit: int = 500) -> list[str]:
        return await self.read(lambda tx: tx.learners.ids(limit=limit))

    # --- plan cache ----------------------------------------------------------------------------

    async def cache_get(
        self,
        *,
        key_hash: str,
        now: datetime,
        include_expired: bool = False,
        descriptor: CanDoDescriptor | None = None,
    ) -> CacheEntry | None:
        """The entry for ``key_hash`` (live ones only unless ``include_expired``): one statement.

        ``descriptor``, when it is the copy this store holds (``get_descriptor(cached=True)``),
        is verified in the same statement: when the catalog no longer holds that content the
        copy is dropped and :class:`DescriptorChanged` raised (the key was computed from it).
        """
        held = None if descriptor is None else self._descriptors.get(descriptor.uid)
        if held is None or held[0] is not descriptor:
            return await self.read(
                lambda tx: tx.cache.get(key_hash=key_hash, now=now, include_expired=include_expired)
            )
        uid, content_hash = descriptor.uid, held[1]
        current, entry = await self.read(
            lambda tx: tx.cache.get_checked(
                key_hash=key_hash, now=now, uid=uid, include_expired=include_expired
            )
        )
        if current != content_hash:
            self._descriptors.pop(uid, None)
            raise DescriptorChanged(uid)
        return entry

    async def cache_get_text(
        self, *, key_hash: str, now: datetime, descriptor: CanDoDescriptor
    ) -> CachedPlanText | None:
        """The live entry for ``key_hash``, its plan as stored JSON text: one statement that also
        verifies ``descriptor``, which must be the copy this store holds (else ``None``: the
        caller takes the full path). A changed descriptor raises :class:`DescriptorChanged`."""
        held = self._descriptors.get(descriptor.uid)
        if held is None or held[0] is not descriptor:
            return None
        uid, content_hash = descriptor.uid, held[1]
        if self.dialect == "postgresql":
            current, entry = await self._pg_checked_text(key_hash=key_hash, now=now, uid=uid)
        else:
            current, entry = await self.read(
                lambda tx: tx.cache.get_checked_text(key_hash=key_hash, now=now, uid=uid)
            )
        if current != content_hash:
            self._descriptors.pop(uid, None)
            raise DescriptorChanged(uid)
        return entry

    async def _pg_checked_text(
        self, *, key_hash: str, now: datetime, uid: str
    ) -> tuple[str | None, CachedPlanText | None]:
        """The fast lane's read on a pooled connection checked out bare (no SQLAlchemy
        connection around it: a hit is this one statement); a connection found dead is
        recycled, with its older peers, and the read runs once more."""
        params = checked_text_params(key_hash=key_hash, now=now, uid=uid)

        async def read_once() -> tuple[str | None, CachedPlanText | None]:
            raw = await self._engine.raw_connection()
            try:
                row = await fetch_row_on_driver(raw, self._engine.dialect, CHECKED_TEXT, params)
            finally:
                await greenlet_spawn(raw.close)
            return checked_text(row)

        return await self._once_more_if_lost(read_once)

    async def cache_hit(self, *, key_hash: str, now: datetime, count: int = 1) -> None:
        await self.cache_hits(hits={key_hash: (count, now)})

    async def cache_hits(self, *, hits: dict[str, tuple[int, datetime]]) -> None:
        if not hits:
            return
        async with self.transaction() as tx:
            await tx.cache.add_hits(hits=hits)

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
        async with self.transaction() as tx:
            await tx.cache.put(
                key=key,
                plan=plan,
                source=source,
                plan_version=plan_version,
                now=now,
                ttl=ttl,
                cost_usd=cost_usd,
            )

    async def cache_purge(self, *, now: datetime, grace: timedelta) -> int:
        async with self.transaction() as tx:
            return await tx.cache.purge(now=now, grace=grace)

    async def cache_invalidate(self, *, can_do_id: str | None = None) -> int:
        async with self.transaction() as tx:
            return await tx.cache.invalidate(can_do_id=can_do_id)

    async def cache_stats(self, *, now: datetime) -> CacheStats:
        async with self.transaction(readonly=True) as tx:  # two statements, one snapshot
            return await tx.cache.stats(now=now)

    # --- plan versions (append-only) -----------------------------------------------------------

    async def record_plan(
        self,
        *,
        key: PlanKey,
        plan: DomainPlan,
        source: str,
        model: str,
        prompt_version: str,
        quality_issues: Sequence[QualityIssue],
        now: datetime,
        ttl: timedelta | None,
        parent_version: Parent = "active",
        note: str | None = None,
        cache: bool = True,
        cost_usd: float = 0.0,
    ) -> PlanVersion:
        """Append a new active version to the key's lineage and, when ``cache`` and ``ttl`` are
        set, cache the plan under ``key`` with that version number. One transaction.
        """
        async with self.transaction() as tx:
            record = await tx.versions.append(
                lineage=key.lineage,
                plan=plan,
                source=source,
                model=model,
                prompt_version=prompt_version,
                quality_issues=quality_issues,
                parent_version=parent_version,
                note=note,
                now=now,
            )
            if cache and ttl is not None:
                await tx.cache.put(
                    key=key,
                    plan=plan,
                    source=source,
                    plan_version=record.version,
                    now=now,
                    ttl=ttl,
                    cost_usd=cost_usd,
                )
        return record

    async def add_plan_version(
        self,
        *,
        plan: DomainPlan,
        source: str,
        model: str,
        prompt_version: str,
        quality_issues: Sequence[QualityIssue],
        now: datetime,
        lineage: Lineage | None = None,
        can_do_id: str | None = None,
        profile_hash: str | None = None,
        kit_hash: str | None = None,
        parent_version: Parent = "active",
        note: str | None = None,
        activate: bool = True,
    ) -> PlanVersion:
        """Append a version made by hand (rollback, manual edit). When it is activated, every
        cache entry of the lineage serves it from now on, in the same transaction.
        """
        lineage = _lineage(lineage, can_do_id, profile_hash, kit_hash)
        async with self.transaction() as tx:
            record = await tx.versions.append(
                lineage=lineage,
                plan=plan,
                source=source,
                model=model,
                prompt_version=prompt_version,
                quality_issues=quality_issues,
                parent_version=parent_version,
                note=note,
                now=now,
                activate=activate,
            )
            if activate:
                await tx.cache.serve_version(
                    lineage=lineage, plan=plan, plan_version=record.version, source=source
                )
        return record

    async def list_plan_versions(
        self,
        *,
        lineage: Lineage | None = None,
        can_do_id: str | None = None,
        profile_hash: str | None = None,
        kit_hash: str | None = None,
    ) -> list[PlanVersion]:
        which = _lineage(lineage, can_do_id, profile_hash, kit_hash)
        return await self.read(lambda tx: tx.versions.history(lineage=which))

    async def get_plan_version(
        self,
        *,
        version: int,
        lineage: Lineage | None = None,
        can_do_id: str | None = None,
        profile_hash: str | None = None,
        kit_hash: str | None = None,
    ) -> PlanVersion | None:
        which = _lineage(lineage, can_do_id, profile_hash, kit_hash)
        return await self.read(lambda tx: tx.versions.get(lineage=which, version=version))

    async def get_active_plan(
        self,
        *,
        lineage: Lineage | None = None,
        can_do_id: str | None = None,
        profile_hash: str | None = None,
        kit_hash: str | None = None,
    ) -> PlanVersion | None:
        which = _lineage(lineage, can_do_id, profile_hash, kit_hash)
        return await self.read(lambda tx: tx.versions.active(lineage=which))

    async def list_lineages(self, *, can_do_id: str | None = None) -> list[LineageRecord]:
        async with self._read() as tx:
            return await tx.versions.lineages(can_do_id=can_do_id)

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
        quality_issues: Sequence[QualityIssue] | None = None,
        review_state: ReviewState = INITIAL_STATE,
        review_actor: str = "",
    ) -> Lesson:
        """Store a new version of a lesson with exactly these stages (see
        :meth:`LessonRepository.add_version`); to change one stage use a transaction.

        A new compile's version on PostgreSQL is one statement (the lesson's upsert and its
        version together), atomic on its own: it runs without BEGIN and COMMIT around it."""

        async def add(tx: Transaction) -> Lesson:
            return await tx.lessons.add_version(
                lesson_id=lesson_id,
                can_do_id=can_do_id,
                learner_id=learner_id,
                profile_hash=profile_hash,
                kit_hash=kit_hash,
                plan_version=plan_version,
                plan=plan,
                plan_source=plan_source,
                metalanguage=metalanguage,
                stages=stages,
                now=now,
                profile=profile,
                kit=kit,
                quality_issues=quality_issues,
                review_state=review_state,
                review_actor=review_actor,
            )

        if saved_in_one_statement(
            dialect=self.dialect, lesson_id=lesson_id, review_state=review_state
        ):
            with translate_errors():
                return await self._autocommit(add)
        async with self.transaction() as tx:
            return await add(tx)

    async def get_lesson(
        self,
        *,
        lesson_id: str,
        version: int | None = None,
        learner_id: str | None = None,
        published_only: bool = False,
    ) -> Lesson | None:
        async with self._read() as tx:
            return await tx.lessons.get(
                lesson_id=lesson_id,
                version=version,
                learner_id=learner_id,
                published_only=published_only,
            )

    async def lesson_versions(self, *, lesson_id: str) -> list[LessonVersionSummary]:
        """Every version of a lesson with its review state, oldest first."""
        async with self._read() as tx:
            return await tx.reviews.versions(lesson_id=lesson_id)

    async def review_history(
        self, *, lesson_id: str, version: int | None = None
    ) -> list[ReviewEvent]:
        async with self._read() as tx:
            return await tx.reviews.history(lesson_id=lesson_id, version=version)

    async def get_lesson_inputs(self, *, lesson_id: str) -> tuple[LearnerProfile, PrelessonKit]:
        async with self._read() as tx:
            return await tx.lessons.inputs(lesson_id=lesson_id)

    async def list_lesson_versions(self, *, lesson_id: str) -> list[int]:
        async with self._read() as tx:
            return await tx.lessons.version_numbers(lesson_id=lesson_id)

    async def list_lessons(
        self,
        *,
        learner_id: str | None = None,
        can_do_id: str | None = None,
        limit: int = 200,
        published_only: bool = False,
    ) -> list[LessonSummary]:
        async with self._read() as tx:
            return await tx.lessons.summaries(
                learner_id=learner_id,
                can_do_id=can_do_id,
                limit=limit,
                published_only=published_only,
            )

    # --- events --------------------------------------------------------------------------------

    async def add_events(self, *, events: Sequence[GenerationEvent]) -> None:
        """Insert events and update their rollups, in one transaction."""
        if not events:
            return
        async with self.transaction() as tx:
            await tx.events.add(events=events)

    async def purge_events(self, *, before: datetime) -> int:
        """Delete events recorded before ``before`` (their hourly rollups are kept)."""
        async with self.transaction() as tx:
            return await tx.events.purge(before=before)

    async def list_events(
        self, *, since: datetime | None = None, operation: str | None = None
    ) -> list[GenerationEvent]:
        """Events in time order, from ``since`` (inclusive), optionally of one operation."""
        async with self._read() as tx:
            return await tx.events.in_range(since=since, operation=operation)

    async def event_rollup(self, *, since: datetime | None = None) -> Rollup:
        """Pre-aggregated figures of the events from ``since`` on (what ``stats`` reads)."""
        async with self._read() as tx:
            return await tx.events.rollup(since=since)

    # --- health and locks ----------------------------------------------------------------------

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self._engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    def plan_lock(self, key: PlanKey) -> AbstractAsyncContextManager[None]:
        """Cross-process single-flight for ``key``.

        PostgreSQL: ``pg_advisory_lock(key.lock_id)`` held on a dedicated connection until the
        block exits, from a pool of at most ``lock_pool_max`` connections. SQLite: a no-op;
        single-flight is in-process only there (the service keeps an in-process layer on every
        backend). Wrap in ``asyncio.timeout`` to bound the wait.
        """
        if self.dialect != "postgresql":
            return no_lock()
        if self._session_locks is not None:
            return _translated(self._session_locks.hold(key.lock_id))
        return _translated(pg_advisory_lock(self._locks_engine(), key.lock_id))

    def _locks_engine(self) -> AsyncEngine:
        if self._lock_engine is None:
            self._lock_engine = create_engine(
                self._url,
                pool_size=1,
                max_overflow=self._lock_pool_max - 1,
                isolation_level="AUTOCOMMIT",
            )
        return self._lock_engine

    @contextlib.asynccontextmanager
    async def session_plan_locks(self) -> AsyncIterator[None]:
        """For the block, plan locks share one session (see :class:`SessionLocks`): a run that
        holds a lock per key for a long time (a Batch API run) needs one connection, not one
        per key. A no-op on SQLite."""
        if self.dialect != "postgresql" or self._session_locks is not None:
            yield
            return
        locks = SessionLocks(self._locks_engine())
        self._session_locks = locks
        try:
            yield
        finally:
            self._session_locks = None
            await locks.close()


@contextlib.asynccontextmanager
async def _translated(inner: AbstractAsyncContextManager[None]) -> AsyncIterator[None]:
    """Map database errors of taking or releasing a lock (not of the body) to typed errors."""
    with translate_errors():
        await inner.__aenter__()
    try:
        yield
    except BaseException as exc:
        try:
            suppressed = await inner.__aexit__(type(exc), exc, exc.__traceback__)
        except BaseException as release_error:
            if release_error is exc:
                raise
            with translate_errors():
                raise
        if not suppressed:
            raise
    else:
        with translate_errors():
            await inner.__aexit__(None, None, None)


def _lineage(
    lineage: Lineage | None, can_do_id: str | None, profile_hash: str | None, kit_hash: str | None
) -> Lineage:
    """A ``Lineage`` from the new argument or from the three old keyword arguments."""
    if lineage is not None:
        return lineage
    if can_do_id is None or profile_hash is None or kit_hash is None:
        raise TypeError("pass lineage=Lineage(...) (or can_do_id, profile_hash and kit_hash)")
    return Lineage(can_do_id, profile_hash, kit_hash)
