"""Generation events, and the hourly rollups kept in the same transaction as their inserts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, or_, select

from lessonplan.store import sql
from lessonplan.store.records import GenerationEvent
from lessonplan.store.repos.base import Repository
from lessonplan.store.rollups import (
    ALL_TIME,
    HISTOGRAM_OUTCOMES,
    Rollup,
    Totals,
    fold,
    hour_of,
)

HIT_OUTCOMES = frozenset({"cache", "joined"})  # as lessonplan.service.stats counts them

_events = sql.events
_groups = sql.event_rollups
_codes = sql.quality_code_rollups
_latencies = sql.latency_rollups

EVENT_FIELDS = (
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
    "cached_prompt_tokens",
)
# Which rollup rows to read, as a condition on a table's ``hour`` column.
HourFilter = Callable[[ColumnElement[datetime]], ColumnElement[bool]]
_SUMS = (
    "events",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "cost_saved_usd",
    "quality_issue_count",
    "cached_prompt_tokens",
)


class EventRepository(Repository):
    async def add(self, *, events: Sequence[GenerationEvent]) -> None:
        """Insert the events and fold them into the rollups (same transaction)."""
        if not events:
            return
        rows = [{name: getattr(event, name) for name in EVENT_FIELDS} for event in events]
        await self.conn.execute(_events.insert(), rows)
        await self.add_rollup(fold(events))

    async def add_rollup(self, rollup: Rollup) -> None:
        """Add folded figures to the stored rollups (sorted: concurrent writers lock in order)."""
        group_rows = [
            {"hour": h, "operation": op, "outcome": oc, "error_type": et, **vars(totals)}
            for (h, op, oc, et), totals in sorted(rollup.groups.items())
        ]
        await self._upsert(_groups, group_rows, ("hour", "operation", "outcome", "error_type"))
        code_rows = [
            {"hour": h, "operation": op, "code": code, "events": n}
            for (h, op, code), n in sorted(rollup.codes.items())
        ]
        await self._upsert(_codes, code_rows, ("hour", "operation", "code"))
        bucket_rows = [
            {"hour": h, "operation": op, "outcome": oc, "bucket": b, "events": n}
            for (h, op, oc, b), n in sorted(rollup.latencies.items())
        ]
        await self._upsert(_latencies, bucket_rows, ("hour", "operation", "outcome", "bucket"))

    async def _upsert(self, table: Table, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
        if not rows:
            return
        stmt = self._insert(table)
        sums = [name for name in _SUMS if name in table.c]
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[name] for name in key],
            set_={name: table.c[name] + stmt.excluded[name] for name in sums},
        )
        await self.conn.execute(stmt, rows)

    async def purge(self, *, before: datetime) -> int:
        """Delete the events recorded before ``before`` (by the ``at`` index). Their rollups
        stay: ``stats`` over any period still counts them. Returns how many were deleted."""
        result = await self.conn.execute(delete(_events).where(_events.c.at < before))
        return int(result.rowcount)

    async def in_range(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        operation: str | None = None,
    ) -> list[GenerationEvent]:
        """Events in time order, from ``since`` (inclusive) to ``until`` (exclusive)."""
        query = select(_events).order_by(_events.c.at, _events.c.id)
        if since is not None:
            query = query.where(_events.c.at >= since)
        if until is not None:
            query = query.where(_events.c.at < until)
        if operation is not None:
            query = query.where(_events.c.operation == operation)
        return [
            GenerationEvent(id=row.id, **{name: getattr(row, name) for name in EVENT_FIELDS})
            for row in (await self.conn.execute(query)).all()
        ]

    async def rollup(self, *, since: datetime | None = None) -> Rollup:
        """Figures of every event from ``since`` on: the all-time rows (``since=None``), or the
        hourly rows from the first whole hour plus the events of the part hour before it."""
        partial = Rollup()
        hours: HourFilter = _all_time
        if since is not None:
            first_hour = hour_of(since)
            if first_hour < since:
                first_hour += timedelta(hours=1)
                partial = fold(await self.in_range(since=since, until=first_hour), all_time=False)
            hours = _hours_from(first_hour)
        result = Rollup()
        await self._read_groups(result, hours)
        await self._read_codes(result, hours)
        await self._read_latencies(result, hours)
        result.merge(partial)
        return result

    async def window(self, *, since: datetime, until: datetime) -> WindowFigures:
        """Per-hour sums of the rollups in ``[since, until)``, for the dashboard's charts."""
        return await window_figures(self, since=since, until=until)

    async def _read_groups(self, into: Rollup, hours: HourFilter) -> None:
        t = _groups
        query = select(
            t.c.operation, t.c.outcome, t.c.error_type, *(func.sum(t.c[n]).label(n) for n in _SUMS)
        ).group_by(t.c.operation, t.c.outcome, t.c.error_type)
        query = query.where(hours(t.c.hour))
        for row in (await self.conn.execute(query)).all():
            key = (_ANY_HOUR, row.operation, row.outcome, row.error_type)
            into.groups[key] = Totals(
                events=int(row.events),
                latency_ms=float(row.latency_ms),
                prompt_tokens=int(row.prompt_tokens),
                completion_tokens=int(row.completion_tokens),
                cost_usd=float(row.cost_usd),
                cost_saved_usd=float(row.cost_saved_usd),
                quality_issue_count=int(row.quality_issue_count),
                cached_prompt_tokens=int(row.cached_prompt_tokens or 0),
            )

    async def _read_codes(self, into: Rollup, hours: HourFilter) -> None:
        t = _codes
        query = select(t.c.operation, t.c.code, func.sum(t.c.events).label("n")).group_by(
            t.c.operation, t.c.code
        )
        query = query.where(hours(t.c.hour))
        for row in (await self.conn.execute(query)).all():
            into.codes[(_ANY_HOUR, row.operation, row.code)] = int(row.n)

    async def _read_latencies(self, into: Rollup, hours: HourFilter) -> None:
        t = _latencies
        query = select(
            t.c.operation, t.c.outcome, t.c.bucket, func.sum(t.c.events).label("n")
        ).group_by(t.c.operation, t.c.outcome, t.c.bucket)
        query = query.where(hours(t.c.hour))
        counts: Counter[tuple[datetime, str, str, int]] = Counter()
        for row in (await self.conn.execute(query)).all():
            counts[(_ANY_HOUR, row.operation, row.outcome, int(row.bucket))] = int(row.n)
        into.latencies.update(counts)


# Summed rollups span many hours; they are keyed under one placeholder hour.
_ANY_HOUR = datetime.min


def _all_time(hour: ColumnElement[datetime]) -> ColumnElement[bool]:
    return hour == ALL_TIME


def _hours_from(first: datetime) -> HourFilter:
    def condition(hour: ColumnElement[datetime]) -> ColumnElement[bool]:
        return and_(hour >= first, hour != ALL_TIME)

    return condition


@dataclass(frozen=True)
class HourFigures:
    """The sums of one hour of rollups that the dashboard plots."""

    hour: datetime
    llm_calls: int
    llm_errors: int
    tokens: int
    cost_usd: float
    plan_cost_usd: float
    plan_requests: int
    cache_lookups: int
    cache_hits: int
    plans_generated: int
    plan_reuses: int
    cost_saved_by_hits_usd: float


@dataclass(frozen=True)
class WindowFigures:
    """Hourly sums over a window, and its errors by type and quality issues by code."""

    hours: list[HourFigures]
    errors_by_type: dict[str, int]
    quality_issues_by_code: dict[str, int]


def _is_call(t: Table) -> ColumnElement[bool]:
    return or_(t.c.operation == "plan", t.c.operation.startswith("stage:"))


def _sum_when(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


async def window_figures(
    repo: EventRepository, *, since: datetime, until: datetime
) -> WindowFigures:
    """Rollup sums per hour in ``[since, until)`` (whole hours): one aggregate per rollup table."""
    t = _groups
    answer = t.c.operation == "plan_answer"
    hit = and_(answer, t.c.outcome.in_(sorted(HIT_OUTCOMES)))
    in_window = and_(t.c.hour >= since, t.c.hour < until, t.c.hour != ALL_TIME)
    query = (
        select(
            t.c.hour,
            _sum_when(_is_call(t), t.c.events).label("calls"),
            _sum_when(and_(_is_call(t), t.c.error_type != ""), t.c.events).label("errors"),
            _sum_when(_is_call(t), t.c.prompt_tokens + t.c.completion_tokens).label("tokens"),
            _sum_when(_is_call(t), t.c.cost_usd).label("cost"),
            _sum_when(t.c.operation == "plan", t.c.cost_usd).label("plan_cost"),
            _sum_when(answer, t.c.events).label("requests"),
            _sum_when(and_(answer, t.c.outcome != "reused"), t.c.events).label("lookups"),
            _sum_when(hit, t.c.events).label("hits"),
            _sum_when(and_(answer, t.c.outcome.in_(sorted(HISTOGRAM_OUTCOMES))), t.c.events).label(
                "generated"
            ),
            _sum_when(and_(answer, t.c.outcome == "reused"), t.c.events).label("reused"),
            _sum_when(hit, t.c.cost_saved_usd).label("saved"),
        )
        .where(in_window)
        .group_by(t.c.hour)
        .order_by(t.c.hour)
    )
    hours = [
        HourFigures(
            hour=row.hour,
            llm_calls=int(row.calls),
            llm_errors=int(row.errors),
            tokens=int(row.tokens),
            cost_usd=float(row.cost),
            plan_cost_usd=float(row.plan_cost),
            plan_requests=int(row.requests),
            cache_lookups=int(row.lookups),
            cache_hits=int(row.hits),
            plans_generated=int(row.generated),
            plan_reuses=int(row.reused),
            cost_saved_by_hits_usd=float(row.saved),
        )
        for row in (await repo.conn.execute(query)).all()
    ]
    errors_query = (
        select(t.c.error_type, func.sum(t.c.events).label("n"))
        .where(in_window, _is_call(t), t.c.error_type != "")
        .group_by(t.c.error_type)
    )
    errors = {row.error_type: int(row.n) for row in (await repo.conn.execute(errors_query)).all()}
    c = _codes
    codes_query = (
        select(c.c.code, func.sum(c.c.events).label("n"))
        .where(c.c.hour >= since, c.c.hour < until, c.c.hour != ALL_TIME)
        .group_by(c.c.code)
    )
    codes = {row.code: int(row.n) for row in (await repo.conn.execute(codes_query)).all()}
    return WindowFigures(hours=hours, errors_by_type=errors, quality_issues_by_code=codes)
