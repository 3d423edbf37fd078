"""Shared database fixtures: a migrated SQLite store, a fresh PostgreSQL database per test, and
``store`` parametrized over both backends.

PostgreSQL location: ``LESSONPLAN_TEST_PG_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``), used only as a maintenance connection:
each test gets its own ``lp_<hex>`` database, dropped afterwards. When the server is unreachable
the PostgreSQL tests are skipped with the reason, except under ``CI=true`` where they fail: the
production backend must be tested in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from lessonplan.config import get_settings
from lessonplan.store import Store
from tests.hermetic import GUARD, cleared_names

PG_URL_ENV = "LESSONPLAN_TEST_PG_URL"
# Connections one test's Store may open on the shared server (main pool + advisory-lock pool);
# tests run one at a time, so the suite stays far below max_connections = 100.
TEST_POOL = {"pool_size": 2, "max_overflow": 3, "lock_pool_max": 4}
DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture (module- or session-scoped ones included) sees the environment."""
    for name in cleared_names():
        del os.environ[name]
    get_settings.cache_clear()
    GUARD.install()
    config.add_cleanup(GUARD.uninstall)


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts without LESSONPLAN_*/OPENAI_*/ANTHROPIC_* and fresh settings; a real
    network call made during the test fails it even when the code under test swallowed it."""
    for name in cleared_names():
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    GUARD.take_violations()
    yield
    get_settings.cache_clear()
    violations = GUARD.take_violations()
    if violations:
        pytest.fail("real network calls from a test: " + "; ".join(violations), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the PostgreSQL fixtures carry the ``postgres`` marker automatically."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def pg_server_url() -> URL:
    return make_url(os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL)


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _unavailable(reason: str) -> None:
    where = pg_server_url().render_as_string(hide_password=True)
    message = f"PostgreSQL at {where} unavailable ({PG_URL_ENV}): {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} -- PostgreSQL tests must run in CI", pytrace=False)
    pytest.skip(message)


async def _maintenance_connection() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(_asyncpg_dsn(pg_server_url()), timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        _unavailable(f"{type(exc).__name__}: {exc}")
        raise  # unreachable: _unavailable skips or fails


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database (``lp_<hex>``); dropped WITH (FORCE) afterwards."""
    name = f"lp_{uuid.uuid4().hex[:16]}"
    conn = await _maintenance_connection()
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield pg_server_url().set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await _maintenance_connection()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a not yet existing SQLite file (in a not yet existing directory)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'db' / 'lessonplan.db'}"


@pytest.fixture
async def sqlite_store(sqlite_url: str) -> AsyncIterator[Store]:
    store = await Store.open(sqlite_url)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def pg_store(pg_url: str) -> AsyncIterator[Store]:
    store = await Store.open(pg_url, **TEST_POOL)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgres"``: parametrizes a test over both backends."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> str:
    """A migratable database URL of the current ``backend`` (empty; nothing migrated yet)."""
    return str(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated :class:`Store` on each backend in turn."""
    yield request.getfixturevalue("sqlite_store" if backend == "sqlite" else "pg_store")
