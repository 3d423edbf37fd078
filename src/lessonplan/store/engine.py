"""Engines for the two supported backends, and migration to the newest schema.

PostgreSQL gets a pool sized for about fifty concurrent tasks. SQLite gets WAL (readers never
block the writer), a busy timeout, foreign keys, and transactions that SQLAlchemy begins itself so
that a write transaction can start with ``BEGIN IMMEDIATE``: it takes the write lock up front
instead of failing with "database is locked" when it upgrades from reading to writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from lessonplan.errors import ConfigurationError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Connection execution option read by the SQLite ``begin`` hook: "IMMEDIATE" for writers.
SQLITE_BEGIN_OPTION = "lessonplan_sqlite_begin"
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
            "pool_pre_ping": True,
            "pool_recycle": 1800,
        }
        options.update(kwargs)
        return _create_async_engine(url, **options)

    path = sqlite_path(url)
    options = {}
    if path is not None:  # in-memory databases keep SQLAlchemy's single-connection StaticPool
        path.parent.mkdir(parents=True, exist_ok=True)
        options = {"pool_size": 5, "max_overflow": 15, "pool_timeout": 60}
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
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def sqlite_writer(engine: AsyncEngine) -> AsyncEngine:
    """A view of a SQLite engine (same pool) whose transactions start with BEGIN IMMEDIATE."""
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (no lazy loads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code: no alembic.ini is needed at runtime."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade_engine(engine: AsyncEngine) -> None:
    """Upgrade the database behind ``engine`` to the newest revision, in one transaction."""
    cfg = alembic_config()
    target = sqlite_writer(engine) if engine.dialect.name == "sqlite" else engine
    async with target.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK_ID})")
        await conn.run_sync(_run_upgrade, cfg)


def _run_upgrade(connection: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


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
