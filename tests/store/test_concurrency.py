"""Concurrent writers get distinct, gap-free version numbers and never half-written rows.

These are the defects of the earlier system (select-then-insert lesson rows, ``MAX+1`` versions),
exercised for real: concurrent tasks against one database, on both backends.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError

from lessonplan.domain.lesson import Lesson
from lessonplan.store import Store
from lessonplan.store.repos import lessons as lessons_repo
from lessonplan.store.repos.cache import CacheRepository
from lessonplan.store.tables import LessonVersionRow

from .samples import NOW, sample_key, sample_plan, sample_stages

N = 20
TTL = timedelta(hours=24)


async def _save(store: Store, lesson_id: str | None, i: int = 0) -> Lesson:
    return await store.save_lesson(
        lesson_id=lesson_id,
        can_do_id="JF:21",
        learner_id="u1",
        profile_hash="p" * 16,
        kit_hash="k" * 16,
        plan_version=1,
        plan=sample_plan(tag=f"t{i}"),
        plan_source="generated",
        metalanguage="en",
        stages=sample_stages(),
        now=NOW + timedelta(seconds=i),
    )


async def _record(store: Store, i: int = 0, **overrides: Any) -> int:
    args: dict[str, Any] = dict(
        key=sample_key(),
        plan=sample_plan(tag=f"t{i}"),
        source="generated",
        model="offline",
        prompt_version="planner-v1",
        quality_issues=[],
        parent_version=None,
        now=NOW + timedelta(seconds=i),
        ttl=TTL,
    )
    args.update(overrides)
    return (await store.record_plan(**args)).version


async def test_concurrent_saves_of_one_lesson_get_distinct_versions(store: Store) -> None:
    first = await _save(store, None)
    results = await asyncio.gather(*(_save(store, first.lesson_id, i) for i in range(N)))
    assert sorted(r.version for r in results) == list(range(2, N + 2))
    assert {r.lesson_id for r in results} == {first.lesson_id}
    assert await store.list_lesson_versions(lesson_id=first.lesson_id) == list(range(1, N + 2))
    latest = await store.get_lesson(lesson_id=first.lesson_id)
    assert latest is not None and latest.version == N + 1


async def test_concurrent_first_saves_create_one_lesson(store: Store) -> None:
    results = await asyncio.gather(*(_save(store, None, i) for i in range(N)))
    lesson_ids = {r.lesson_id for r in results}
    assert len(lesson_ids) == 1
    assert sorted(r.version for r in results) == list(range(1, N + 1))
    found = await store.list_lessons(learner_id="u1")
    assert [(s.lesson_id, s.version) for s in found] == [(lesson_ids.pop(), N)]


async def test_concurrent_record_plan_on_one_lineage(store: Store) -> None:
    versions = await asyncio.gather(*(_record(store, i) for i in range(N)))
    assert sorted(versions) == list(range(1, N + 1))
    key = sample_key()
    lineage = dict(can_do_id=key.can_do_id, profile_hash=key.profile_hash, kit_hash=key.kit_hash)
    stored = await store.list_plan_versions(**lineage)
    assert [v.version for v in stored] == list(range(1, N + 1))
    [lin] = await store.list_lineages()
    assert lin.last_version == N
    active = await store.get_active_plan(**lineage)
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert active is not None and entry is not None
    # The cache row was written in the same transaction as the newest version.
    assert entry.plan_version == active.version == N
    assert entry.plan == active.plan


async def test_concurrent_cache_hits_are_all_counted(store: Store) -> None:
    key = sample_key()
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
    )
    await asyncio.gather(*(store.cache_hit(key_hash=key.key_hash, now=NOW) for _ in range(50)))
    entry = await store.cache_get(key_hash=key.key_hash, now=NOW)
    assert entry is not None and entry.hits == 50


async def test_mixed_concurrent_writes_and_reads(store: Store) -> None:
    """Writers of every kind and readers at once: nothing fails with 'database is locked'."""
    first = await _save(store, None)
    key = sample_key()
    await store.cache_put(
        key=key, plan=sample_plan(), source="generated", plan_version=None, now=NOW, ttl=TTL
    )
    work = []
    for i in range(10):
        work += [
            _save(store, first.lesson_id, i),
            _record(store, i, key=sample_key("JF:2")),
            store.cache_hit(key_hash=key.key_hash, now=NOW),
            store.get_lesson(lesson_id=first.lesson_id),
            store.cache_get(key_hash=key.key_hash, now=NOW),
            store.cache_stats(now=NOW),
        ]
    await asyncio.gather(*work)
    assert await store.list_lesson_versions(lesson_id=first.lesson_id) == list(range(1, 12))


async def test_two_sqlite_stores_on_one_file_act_like_two_processes(sqlite_store: Store) -> None:
    """Each Store has its own in-process lock; across them BEGIN IMMEDIATE + busy_timeout
    serialize the writers, as they would across processes."""
    other = await Store.open(sqlite_store._url)
    try:
        versions = await asyncio.gather(
            *(_record(sqlite_store if i % 2 else other, i) for i in range(N))
        )
    finally:
        await other.close()
    assert sorted(versions) == list(range(1, N + 1))


# --- a failed transaction leaves nothing half-written -------------------------------------------


async def _count(store: Store, sql: str) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def test_failure_after_counter_bump_rolls_back_the_new_version(store: Store) -> None:
    first = await _save(store, None)
    # Plant version 2 behind the repository's back: the next save bumps the counter to 2 and then
    # fails on UNIQUE(lesson_id, version) inside its transaction.
    async with store.engine.begin() as conn:
        await conn.execute(
            LessonVersionRow.__table__.insert().values(
                lesson_id=first.lesson_id,
                version=2,
                plan_version=None,
                plan_json=sample_plan().model_dump(mode="json"),
                plan_source="planted",
                metalanguage="en",
                status="complete",
                stages={},
                created_at=NOW,
            )
        )
    with pytest.raises(IntegrityError):
        await _save(store, first.lesson_id, 1)
    async with store.engine.connect() as conn:
        latest = (
            await conn.execute(
                text("SELECT latest_version FROM lessons WHERE lesson_id = :id"),
                {"id": first.lesson_id},
            )
        ).scalar_one()
        sources = (
            await conn.execute(
                select(LessonVersionRow.plan_source, func.count())
                .group_by(LessonVersionRow.plan_source)
                .order_by(LessonVersionRow.plan_source)
            )
        ).all()
    assert latest == 1
    assert [tuple(row) for row in sources] == [("generated", 1), ("planted", 1)]


async def test_failure_inside_first_save_creates_no_lesson(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The version row breaks a constraint, so its INSERT fails after the lesson row was
    # created and its counter bumped (in the same statement on PostgreSQL, the next on SQLite).
    monkeypatch.setattr(lessons_repo, "lesson_status", lambda stages: "injected")
    with pytest.raises(IntegrityError):
        await _save(store, None)
    assert await _count(store, "SELECT count(*) FROM lessons") == 0
    assert await _count(store, "SELECT count(*) FROM lesson_versions") == 0
    monkeypatch.undo()
    assert (await _save(store, None)).version == 1  # no counter was left bumped


async def test_a_new_lessons_first_version_is_one_statement_on_postgresql(store: Store) -> None:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.split()[0])

    engine = store.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        first = await _save(store, None)
        again = await _save(store, None)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert again.lesson_id == first.lesson_id and (first.version, again.version) == (1, 2)
    # PostgreSQL: WITH bumped AS (INSERT ... ON CONFLICT DO UPDATE ...) INSERT ..., in autocommit;
    # SQLite: its writer's BEGIN, the upsert, then the version.
    per_save = ["WITH"] if store.dialect == "postgresql" else ["BEGIN", "INSERT", "INSERT"]
    assert statements == 2 * per_save


async def test_failure_inside_record_plan_leaves_lineage_versions_and_cache_untouched(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await _record(store, 0) == 1

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected cache write failure")

    monkeypatch.setattr(CacheRepository, "put", boom)
    with pytest.raises(RuntimeError, match="injected"):
        await _record(store, 1, plan=sample_plan(tag="lost"))
    with pytest.raises(RuntimeError, match="injected"):
        await _record(store, 2, key=sample_key("JF:new"))
    monkeypatch.undo()

    [lineage] = await store.list_lineages()
    assert (lineage.last_version, lineage.active_version) == (1, 1)
    assert await _count(store, "SELECT count(*) FROM plan_versions") == 1
    entry = await store.cache_get(key_hash=sample_key().key_hash, now=NOW)
    assert entry is not None and entry.plan == sample_plan(tag="t0")
    assert await _record(store, 3) == 2  # the counter carries on from the committed value
