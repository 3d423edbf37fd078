"""The plan cache: one entry per full plan key, with hit counts and a lifetime."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache as memoized
from typing import Any

from sqlalchemy import (
    Dialect,
    Row,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

from lessonplan.domain.hashing import Lineage, PlanKey
from lessonplan.domain.models import STORED, DomainPlan
from lessonplan.store import sql
from lessonplan.store.records import CachedPlanText, CacheEntry, CacheStats
from lessonplan.store.repos.base import Repository

_t = sql.cache
_STORED = {STORED: True}  # the plan's text was checked when it was stored
# The hot path's statements, built once: SQLAlchemy then reuses their compiled form.
_BY_KEY = select(_t).where(_t.c.key_hash == bindparam("key_hash"))
_LIVE_BY_KEY = _BY_KEY.where(_t.c.expires_at > bindparam("now"))
# A hit that also verifies the caller's descriptor: the catalog row (by uid), the entry joined.
_d = sql.descriptors
_CHECKED_ANY = select(_d.c.content_hash.label("catalog_content_hash"), _t).select_from(
    _d.outerjoin(_t, _t.c.key_hash == bindparam("key_hash"))
)
_CHECKED_LIVE = select(_d.c.content_hash.label("catalog_content_hash"), _t).select_from(
    _d.outerjoin(
        _t, and_(_t.c.key_hash == bindparam("key_hash"), _t.c.expires_at > bindparam("now"))
    )
)
_CHECKED_ANY = _CHECKED_ANY.where(_d.c.uid == bindparam("uid"))
_CHECKED_LIVE = _CHECKED_LIVE.where(_d.c.uid == bindparam("uid"))
# The fast lane's read: the same join, the plan as text (jsonb::text on PostgreSQL, the stored
# text on SQLite), only the columns a response needs.
CHECKED_TEXT = (
    select(
        _d.c.content_hash.label("catalog_content_hash"),
        _t.c.key_hash,
        _t.c.model,
        _t.c.prompt_version,
        cast(_t.c.plan_json, Text).label("plan_text"),
        _t.c.plan_version,
        _t.c.created_at,
        _t.c.cost_usd,
    )
    .select_from(
        _d.outerjoin(
            _t, and_(_t.c.key_hash == bindparam("key_hash"), _t.c.expires_at > bindparam("now"))
        )
    )
    .where(_d.c.uid == bindparam("uid"))
)


@memoized
def _driver_sql(query: Select[Any], dialect: Dialect) -> tuple[str, tuple[str, ...]]:
    """``query`` as the driver's SQL text (``$1``…) and its parameters' names in order."""
    compiled = query.compile(dialect=dialect)
    return str(compiled), tuple(compiled.positiontup or ())


_REPLACED = ("plan_json", "source", "plan_version", "created_at", "expires_at", "cost_usd")


def checked_text_params(*, key_hash: str, now: datetime, uid: str) -> dict[str, Any]:
    return {"key_hash": key_hash, "uid": uid, "now": now}


def checked_text(row: Any) -> tuple[str | None, CachedPlanText | None]:
    """What :data:`CHECKED_TEXT`'s row says: (the catalog's content hash of the descriptor or
    None when it is gone, the live entry or None)."""
    if row is None:
        return None, None
    if row["key_hash"] is None:
        return row["catalog_content_hash"], None
    entry = CachedPlanText(
        key_hash=row["key_hash"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        plan_text=row["plan_text"],
        plan_version=row["plan_version"],
        created_at=row["created_at"],
        cost_usd=float(row["cost_usd"] or 0.0),
    )
    return row["catalog_content_hash"], entry


async def fetch_row_on_driver(
    raw: PoolProxiedConnection, dialect: Dialect, query: Select[Any], params: dict[str, Any]
) -> Any:
    """``query``'s one row (or ``None``) read with asyncpg's own ``fetchrow`` on the pooled
    connection ``raw``: the statement compiled once by SQLAlchemy, sent without its cursor and
    result layers (a third of a hit's time). Only for queries whose columns need no SQLAlchemy
    type processing. A lost connection is invalidated with its pool's older peers and raised as
    SQLAlchemy raises it (``connection_invalidated``); a database error as SQLAlchemy's."""
    import asyncpg  # the PostgreSQL driver, loaded only where it is used

    text, names = _driver_sql(query, dialect)
    driver = raw.driver_connection
    assert driver is not None
    try:
        return await driver.fetchrow(text, *(params[name] for name in names))
    except (
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.InternalClientError,
        OSError,
    ) as exc:
        # Lost: the socket is closed, the driver's protocol is in a state no query can run from
        # (a terminated backend's error read before its end of stream: InternalClientError
        # "another operation is in progress"), or the server said so.
        lost = (
            driver.is_closed()
            or not isinstance(exc, asyncpg.PostgresError)
            or isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.AdminShutdownError)
        )
        if lost:
            # As SQLAlchemy does on a disconnect it detects itself: the pool recycles every
            # connection made before this one (a server restart or a mass termination leaves
            # them all dead), so the retry does not check out a dead peer.
            raw._pool._invalidate(raw, exc)
        raise DBAPIError(text, None, exc, connection_invalidated=lost) from exc


class CacheRepository(Repository):
    async def get(
        self, *, key_hash: str, now: datetime, include_expired: bool = False
    ) -> CacheEntry | None:
        """The entry for ``key_hash``; an expired one only with ``include_expired`` (stale use)."""
        params: dict[str, Any]
        if include_expired:
            query, params = _BY_KEY, {"key_hash": key_hash}
        else:
            query, params = _LIVE_BY_KEY, {"key_hash": key_hash, "now": now}
        row = (await self.conn.execute(query, params)).one_or_none()
        return None if row is None else _entry(row, now)

    async def get_checked(
        self, *, key_hash: str, now: datetime, uid: str, include_expired: bool = False
    ) -> tuple[str | None, CacheEntry | None]:
        """(the catalog's content hash of ``uid`` or None when it is gone, the entry) in one
        statement: the descriptor row by its primary key, the entry joined by its unique key."""
        params: dict[str, Any] = {"key_hash": key_hash, "uid": uid}
        query = _CHECKED_ANY
        if not include_expired:
            query, params["now"] = _CHECKED_LIVE, now
        row = (await self.conn.execute(query, params)).one_or_none()
        if row is None:
            return None, None
        entry = None if row.key_hash is None else _entry(row, now)
        return row.catalog_content_hash, entry

    async def get_checked_text(
        self, *, key_hash: str, now: datetime, uid: str
    ) -> tuple[str | None, CachedPlanText | None]:
        """:meth:`get_checked` of a live entry, its plan as the stored JSON text (not parsed).
        PostgreSQL's fast lane reads the same statement past SQLAlchemy instead
        (:func:`fetch_row_on_driver`)."""
        params = checked_text_params(key_hash=key_hash, now=now, uid=uid)
        row = (await self.conn.execute(CHECKED_TEXT, params)).mappings().one_or_none()
        return checked_text(row)

    async def add_hits(self, *, hits: dict[str, tuple[int, datetime]]) -> None:
        """Add hit counts ``{key_hash: (count, last_used_at)}``, each one atomic UPDATE."""
        for key_hash, (count, now) in sorted(hits.items()):
            await self.conn.execute(
                update(_t)
                .where(_t.c.key_hash == key_hash)
                .values(hits=_t.c.hits + count, last_used_at=now)
            )

    async def put(
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
        stmt = self._insert(_t).values(
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
        stmt = stmt.on_conflict_do_update(
            index_elements=[_t.c.key_hash],
            set_={name: stmt.excluded[name] for name in _REPLACED},
        )
        await self.conn.execute(stmt)

    async def serve_version(
        self, *, lineage: Lineage, plan: DomainPlan, plan_version: int, source: str
    ) -> None:
        """Every entry of the lineage serves this plan version from now on.

        The rows are locked in key order first, the order hit counting uses: no deadlock.
        """
        await self.conn.execute(
            select(_t.c.id)
            .where(sql.lineage_match(_t, lineage))
            .order_by(_t.c.key_hash)
            .with_for_update()
        )
        await self.conn.execute(
            update(_t)
            .where(sql.lineage_match(_t, lineage))
            .values(
                plan_json=plan.model_dump(mode="json"), plan_version=plan_version, source=source
            )
        )

    async def purge(self, *, now: datetime, grace: timedelta) -> int:
        """Delete entries expired for longer than ``grace`` (kept until then as stale fallbacks)."""
        result = await self.conn.execute(delete(_t).where(_t.c.expires_at < now - grace))
        return int(result.rowcount)

    async def invalidate(self, *, can_do_id: str | None = None) -> int:
        """Delete every entry, or every entry of one descriptor. Returns how many."""
        stmt = delete(_t)
        if can_do_id is not None:
            stmt = stmt.where(_t.c.can_do_id == can_do_id)
        return int((await self.conn.execute(stmt)).rowcount)

    async def stats(self, *, now: datetime) -> CacheStats:
        live = func.coalesce(func.sum(case((_t.c.expires_at > now, 1), else_=0)), 0)
        totals = select(func.count(), live, func.coalesce(func.sum(_t.c.hits), 0))
        by_model = select(_t.c.model, func.count()).group_by(_t.c.model).order_by(_t.c.model)
        entries, live_count, hits = (await self.conn.execute(totals)).one()
        models = (await self.conn.execute(by_model)).all()
        return CacheStats(
            entries=int(entries),
            live=int(live_count),
            expired=int(entries) - int(live_count),
            total_hits=int(hits),
            by_model={str(model): int(count) for model, count in models},
        )


def _entry(row: Row[Any], now: datetime) -> CacheEntry:
    return CacheEntry(
        key_hash=row.key_hash,
        can_do_id=row.can_do_id,
        profile_hash=row.profile_hash,
        kit_hash=row.kit_hash,
        model=row.model,
        prompt_version=row.prompt_version,
        plan=DomainPlan.model_validate(row.plan_json, context=_STORED),
        source=row.source,
        plan_version=row.plan_version,
        created_at=row.created_at,
        expires_at=row.expires_at,
        hits=row.hits,
        last_used_at=row.last_used_at,
        expired=row.expires_at <= now,
        cost_usd=float(row.cost_usd or 0.0),
    )
