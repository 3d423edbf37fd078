"""Engines for the two supported backends, and migration to the newest schema.

PostgreSQL gets a pool sized for about fifty concurrent tasks and no pre-ping: a ping costs
three round trips with asyncpg (BEGIN, ``;``, ROLLBACK) on every checkout, so the store retries
a read once on a connection found dead instead, and the pool recycles connections after
``pool_recycle`` seconds. SQLite gets WAL (readers never block the writer), a busy timeout,
foreign keys, and transactions that SQLAlchemy begins itself so that a write transaction can
start with ``BEGIN IMMEDIATE``: it takes the write lock up front instead of failing with
"database is locked" when it upgrades from reading to writing; a single read runs without any
BEGIN (:func:`reader`).

Migrations run one at a time: across processes, SQLite's ``BEGIN IMMEDIATE`` and a PostgreSQL
advisory lock serialise them; within a process an asyncio lock per event loop does, because
Alembic keeps its migration context in a module-level proxy that concurrent upgrades on one loop
(their greenlets interleave at every statement) would overwrite.

Migrating is cheap when there is nothing to do: :func:`ensure_migrated` compares the stored
Alembic revision with the newest one shipped (read from the migration files' ``revision`` lines,
without importing Alembic) and runs Alembic only when the database is behind.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_only

from lessonplan.errors import ConfigurationError
from lessonplan.store.jsontext import dump_json

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Connection execution option read by the SQLite ``begin`` hook: "IMMEDIATE" for writers.
SQLITE_BEGIN_OPTION = "lessonplan_sqlite_begin"
SQLITE_NO_BEGIN = "NONE"  # a single read: the statement runs in autocommit, no BEGIN/COMMIT
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Held while migrating PostgreSQL so that processes starting together migrate one at a time.
PG_MIGRATION_LOCK_ID = 0x6C_65_73_73_6F_6E_70_6C  # "lessonpl"


def backend_of(url: str) -> str:
    """``"sqlite"`` or ``"postgresql"`` for a supported async URL; ConfigurationError otherwise."""
    drivername = make_url(url).drivername
    if drivername == "sqlite+aiosqlite":
        return "sqlite"
    if drivername == "postgresql+asyncpg":
        return "postgresql"
    raise ConfigurationError(
        f"unsupported database URL driver {drivername!r}: "
        "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://..."
    )


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An AsyncEngine for ``url`` with the pool and connection settings of its backend.

    For SQLite the file's parent directory is created when missing.
    """
    backend = backend_of(url)
    if backend == "postgresql":
        options: dict[str, Any] = {
            "pool_size": 5,
            "max_overflow": 15,
            "pool_timeout": 60,
            "pool_pre_ping": False,
            "pool_recycle": 1800,
            "json_serializer": dump_json,
        }
        options.update(kwargs)
        return _create_async_engine(url, **options)

    path = sqlite_path(url)
    options = {"json_serializer": dump_json}
    if path is not None:  # in-memory databases keep SQLAlchemy's single-connection StaticPool
        path.parent.mkdir(parents=True, exist_ok=True)
        options.update(pool_size=5, max_overflow=15, pool_timeout=60)
    options.update(kwargs)
    engine = _create_async_engine(url, **options)
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        # Take BEGIN away from the driver; the "begin" hook below emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _enable_wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode != SQLITE_NO_BEGIN:
            conn.exec_driver_sql(f"BEGIN {mode}")


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL unless it already is. The switch needs the file to itself and
    SQLite answers "database is locked" at once (no busy handler) while another connection holds
    a lock, as on a blank file that several processes open together: retry until the busy
    timeout, waiting on the event loop (this runs in SQLAlchemy's greenlet), not blocking it."""
    cursor.execute("PRAGMA journal_mode")
    row = cursor.fetchone()
    if row is not None and str(row[0]).lower() == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.fetchall()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        await_only(asyncio.sleep(pause))
        pause = min(pause * 2, 0.1)


def sqlite_writer(engine: AsyncEngine) -> AsyncEngine:
    """A view of a SQLite engine (same pool) whose transactions start with BEGIN IMMEDIATE."""
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def reader(engine: AsyncEngine) -> AsyncEngine:
    """A view of ``engine`` (same pool) for single reads: no transaction around the statement.

    PostgreSQL: AUTOCOMMIT (asyncpg then sends no BEGIN/ROLLBACK; switching is an attribute
    flip, not a round trip). SQLite: no ``BEGIN`` is emitted (the driver is in autocommit).
    """
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{SQLITE_BEGIN_OPTION: SQLITE_NO_BEGIN})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (no lazy loads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code: no alembic.ini is needed at runtime."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_MIGRATION_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _migration_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _MIGRATION_LOCKS.get(loop)
    if lock is None:
        lock = _MIGRATION_LOCKS[loop] = asyncio.Lock()
    return lock


async def upgrade_engine(engine: AsyncEngine) -> None:
    """Upgrade the database behind ``engine`` to the newest revision, in one transaction."""
    cfg = alembic_config()
    target = sqlite_writer(engine) if engine.dialect.name == "sqlite" else engine
    async with _migration_lock(), target.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK_ID})")
        await conn.run_sync(_run_upgrade, cfg)


def _run_upgrade(connection: Connection, cfg: Config) -> None:
    from alembic import command

    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def ensure_migrated(engine: AsyncEngine) -> bool:
    """Migrate only when the database is behind the newest shipped revision (one read when it
    is up to date, and Alembic is not imported). True when it ran the migrations."""
    if await stored_revision(engine) == shipped_head():
        return False
    await upgrade_engine(engine)
    return True


async def stored_revision(engine: AsyncEngine) -> str | None:
    """``alembic_version.version_num`` read with one statement; None for a blank database."""
    async with reader(engine).connect() as conn:
        try:
            result = await conn.exec_driver_sql("SELECT version_num FROM alembic_version")
        except sa_exc.DBAPIError as exc:
            if _missing_table(exc):
                return None
            raise
        rows = result.all()
    return str(rows[0][0]) if len(rows) == 1 else None  # none or several heads: let Alembic see


def _missing_table(exc: sa_exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "alembic_version" in text and ("no such table" in text or "does not exist" in text)


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE)


@lru_cache(maxsize=1)
def shipped_head() -> str | None:
    """The newest shipped revision, from the migration files' ``revision`` and
    ``down_revision`` lines (the one no other revision names as its parent). None when the files
    cannot be read that way (then :func:`ensure_migrated` always asks Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def upgrade_to_head(url: str) -> None:
    """Create (for SQLite, with its directory) and migrate the database at ``url``."""
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's Alembic revision, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(_read)


def head_revision() -> str:
    """The newest migration shipped in the package."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head
