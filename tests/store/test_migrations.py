"""The shipped Alembic migrations build the whole schema on a blank SQLite file and a blank
PostgreSQL database, upgrading twice changes nothing, and the migrations match ``tables.py``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from lessonplan.store import Store, create_engine, upgrade_to_head
from lessonplan.store.engine import current_revision, head_revision, sqlite_path
from lessonplan.store.tables import metadata
from tests.conftest import TEST_POOL

TABLES = {
    "descriptors",
    "learners",
    "plan_cache",
    "plan_lineages",
    "plan_versions",
    "lessons",
    "lesson_versions",
    "generation_events",
}
UNIQUE: dict[str, set[tuple[str, ...]]] = {
    "plan_cache": {("key_hash",)},
    "plan_lineages": {("can_do_id", "profile_hash", "kit_hash")},
    "plan_versions": {("lineage_id", "version")},
    "lessons": {("can_do_id", "learner_id", "profile_hash", "kit_hash")},
    "lesson_versions": {("lesson_id", "version")},
}
INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
    "descriptors": {"ix_descriptors_level": ("level",)},
    "plan_cache": {
        "ix_plan_cache_lookup": ("can_do_id", "profile_hash", "kit_hash"),
        "ix_plan_cache_expires_at": ("expires_at",),
    },
    "lessons": {"ix_lessons_learner_id": ("learner_id",)},
    "generation_events": {
        "ix_generation_events_at": ("at",),
        "ix_generation_events_operation": ("operation",),
    },
}


def _snapshot(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    snapshot: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        snapshot[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ],
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "indexes": {i["name"]: tuple(i["column_names"]) for i in inspector.get_indexes(table)},
            "fks": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(table)
            ),
        }
    return snapshot


def _diffs(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def _inspect(url: str) -> tuple[dict[str, Any], list[Any], str | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            snapshot = await conn.run_sync(_snapshot)
            diffs = await conn.run_sync(_diffs)
        return snapshot, diffs, await current_revision(engine)
    finally:
        await engine.dispose()


async def test_blank_database_upgrades_to_full_schema_and_second_upgrade_is_noop(
    db_url: str,
) -> None:
    await upgrade_to_head(db_url)
    first, diffs, revision = await _inspect(db_url)

    assert set(first) >= TABLES
    assert revision == head_revision()
    assert diffs == []
    for table, expected in UNIQUE.items():
        assert expected <= set(first[table]["unique"]), table
    for table, indexes in INDEXES.items():
        for name, columns in indexes.items():
            assert first[table]["indexes"].get(name) == columns, (table, name)
    assert (("lineage_id",), "plan_lineages") in first["plan_versions"]["fks"]
    assert (("lesson_id",), "lessons") in first["lesson_versions"]["fks"]

    await upgrade_to_head(db_url)
    second, _, revision = await _inspect(db_url)
    assert second == first
    assert revision == head_revision()


async def test_store_open_creates_sqlite_directory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a' / 'b' / 'lp.db'}"
    store = await Store.open(url, **TEST_POOL)
    try:
        assert store.dialect == "sqlite"
        assert await store.ping()
        assert sqlite_path(url) == tmp_path / "a" / "b" / "lp.db"
        assert (tmp_path / "a" / "b" / "lp.db").exists()
    finally:
        await store.close()


async def test_open_without_migrate_leaves_database_blank(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
    store = await Store.open(url, migrate=False, **TEST_POOL)
    try:
        assert await current_revision(store.engine) is None
    finally:
        await store.close()


async def test_concurrent_first_upgrades_do_not_collide(db_url: str) -> None:
    """Processes starting together on a blank database: one migrates, the others find it done."""
    await asyncio.gather(*(upgrade_to_head(db_url) for _ in range(5)))
    _, diffs, revision = await _inspect(db_url)
    assert diffs == [] and revision == head_revision()


async def test_concurrent_upgrades_in_one_process_take_turns(tmp_path: Path) -> None:
    """Alembic keeps its migration context in a module-level proxy, and upgrades gathered on one
    event loop interleave at every statement: they take turns, so each blank file ends migrated
    once (no "table already exists", no lost context) on every try."""
    for attempt in range(10):
        url = f"sqlite+aiosqlite:///{tmp_path / f'try{attempt}' / 'lessonplan.db'}"
        await asyncio.gather(*(upgrade_to_head(url) for _ in range(5)))
        _, diffs, revision = await _inspect(url)
        assert diffs == [] and revision == head_revision(), attempt


async def test_lessons_stored_before_reviews_stay_served_after_the_upgrade(db_url: str) -> None:
    """Learners were served every stored version before review states existed: the upgrade
    marks those versions published (and says so in their history), so learners lose nothing."""
    from alembic import command
    from sqlalchemy import text

    from lessonplan.store.engine import alembic_config

    def upgrade(connection: Connection, revision: str) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    then = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    if db_url.startswith("sqlite"):
        then = then.replace(tzinfo=None)  # stored as naive UTC, as tables.UTCDateTime does
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade, "0006")
            await conn.execute(
                text(
                    "INSERT INTO lessons (lesson_id, can_do_id, learner_id, profile_hash, kit_hash,"
                    " latest_version, created_at, updated_at)"
                    " VALUES ('L-old', 'JF:105', 'maria', 'p', 'k', 1, :now, :now)"
                ),
                {"now": then},
            )
            await conn.execute(
                text(
                    "INSERT INTO lesson_versions (lesson_id, version, plan_json, plan_source,"
                    " metalanguage, status, stages, created_at)"
                    " VALUES ('L-old', 1, '{}', 'offline', 'en', 'complete', '{}', :now)"
                ),
                {"now": then},
            )
        async with engine.begin() as conn:
            await conn.run_sync(upgrade, "head")
            state = (
                await conn.execute(text("SELECT review_state FROM lesson_versions"))
            ).scalar_one()
            history = (
                await conn.execute(text("SELECT version, from_state, to_state FROM lesson_reviews"))
            ).all()
    finally:
        await engine.dispose()
    assert state == "published"
    assert [tuple(row) for row in history] == [(1, None, "published")]


async def _compression(url: str) -> tuple[bool, dict[tuple[str, str], str]]:
    """(the server has lz4, each document column's compression: 'l' lz4, '' the default)."""
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            lz4 = (
                await conn.execute(
                    text(
                        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                        " WHERE name = 'default_toast_compression'"
                    )
                )
            ).scalar()
            rows = (
                await conn.execute(
                    text(
                        "SELECT c.relname, a.attname, a.attcompression::text FROM pg_attribute a"
                        " JOIN pg_class c ON c.oid = a.attrelid"
                        " WHERE c.relname IN ('plan_cache', 'plan_versions', 'lesson_versions')"
                        " AND a.attname IN ('plan_json', 'stages')"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    return bool(lz4), {(r[0], r[1]): r[2] for r in rows}


async def test_postgres_documents_are_compressed_with_lz4(pg_url: str) -> None:
    """A lesson's stages and the plans are saved with lz4 (faster than pglz) from 0010 on; a
    downgrade to 0009 puts the default back. Stored lessons read back the same either way."""
    from alembic import command

    from lessonplan.store.engine import alembic_config

    documents = {
        ("plan_cache", "plan_json"),
        ("plan_versions", "plan_json"),
        ("lesson_versions", "plan_json"),
        ("lesson_versions", "stages"),
    }
    await upgrade_to_head(pg_url)
    lz4, columns = await _compression(pg_url)
    assert set(columns) == documents
    assert lz4, "the PostgreSQL server of the tests is built with lz4 (Debian's is)"
    assert set(columns.values()) == {"l"}

    def downgrade(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0009")

    engine = create_engine(pg_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
    finally:
        await engine.dispose()
    _, columns = await _compression(pg_url)
    assert set(columns.values()) == {""}
