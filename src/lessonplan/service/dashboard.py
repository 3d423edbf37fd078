"""The dashboard's series: the hourly rollups of a window, by hour or by day, as chart input.

:func:`dashboard_series` reads the rollup tables (a few aggregates over at most one row per
hour and group, never the events), fills the hours or days without events with zeros so a chart's
time axis is even, and values plan reuse like ``stats`` does (each reuse at the window's mean cost
of a generated plan). Whole hours only: the hour ``since`` falls in is counted whole.
:func:`render_dashboard_charts` turns the series into the inline SVG charts of
:mod:`lessonplan.domain.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from lessonplan.domain import charts
from lessonplan.service.runtime import Runtime
from lessonplan.store.repos.events import HourFigures, WindowFigures
from lessonplan.store.rollups import hour_of

Bucket = Literal["hour", "day"]
DEFAULT_DAYS = {"hour": 7, "day": 30}
MAX_DAYS = 366

Series = list[tuple[datetime, float]]


@dataclass(frozen=True)
class DashboardSeries:
    """What the dashboard plots over one window."""

    bucket: Bucket
    since: datetime
    until: datetime
    llm_calls: Series = field(default_factory=list)
    tokens: Series = field(default_factory=list)
    cost_usd: Series = field(default_factory=list)
    cost_saved_usd: Series = field(default_factory=list)
    hit_rate: Series = field(default_factory=list)  # over buckets that looked the cache up
    error_rate: Series = field(default_factory=list)  # over buckets with LLM calls
    errors_by_type: list[tuple[str, float]] = field(default_factory=list)
    quality_issues_by_code: list[tuple[str, float]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(v for _, v in self.llm_calls) and not any(v for _, v in self.hit_rate)


def window(now: datetime, *, bucket: Bucket, days: int | None = None) -> tuple[datetime, datetime]:
    """``[since, until)`` in whole buckets ending with the current one."""
    if days is None:
        days = DEFAULT_DAYS[bucket]
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}, got {days}")
    now = now.astimezone(UTC)
    if bucket == "day":
        until = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return until - timedelta(days=days), until
    until = hour_of(now) + timedelta(hours=1)
    return until - timedelta(days=days), until


def _bucket_of(hour: datetime, bucket: Bucket) -> datetime:
    hour = hour if hour.tzinfo else hour.replace(tzinfo=UTC)
    return hour.replace(hour=0) if bucket == "day" else hour


def series_from(
    figures: WindowFigures, *, bucket: Bucket, since: datetime, until: datetime
) -> DashboardSeries:
    """The chart series of a window's hourly figures (pure)."""
    step = timedelta(days=1) if bucket == "day" else timedelta(hours=1)
    starts: list[datetime] = []
    at = since
    while at < until:
        starts.append(at)
        at += step
    grouped: dict[datetime, list[HourFigures]] = {start: [] for start in starts}
    for hour in figures.hours:
        grouped.setdefault(_bucket_of(hour.hour, bucket), []).append(hour)
    generated = sum(h.plans_generated for h in figures.hours)
    plan_cost = sum(h.plan_cost_usd for h in figures.hours)
    mean_plan_cost = plan_cost / generated if generated else 0.0
    calls: Series = []
    tokens: Series = []
    cost: Series = []
    saved: Series = []
    hit_rate: Series = []
    error_rate: Series = []
    for start in sorted(grouped):
        hours = grouped[start]
        n_calls = sum(h.llm_calls for h in hours)
        lookups = sum(h.cache_lookups for h in hours)
        calls.append((start, n_calls))
        tokens.append((start, sum(h.tokens for h in hours)))
        cost.append((start, sum(h.cost_usd for h in hours)))
        saved.append(
            (
                start,
                sum(h.cost_saved_by_hits_usd for h in hours)
                + sum(h.plan_reuses for h in hours) * mean_plan_cost,
            )
        )
        if lookups:
            hit_rate.append((start, sum(h.cache_hits for h in hours) / lookups))
        if n_calls:
            error_rate.append((start, sum(h.llm_errors for h in hours) / n_calls))
    return DashboardSeries(
        bucket=bucket,
        since=since,
        until=until,
        llm_calls=calls,
        tokens=tokens,
        cost_usd=cost,
        cost_saved_usd=saved,
        hit_rate=hit_rate,
        error_rate=error_rate,
        errors_by_type=_ranked(figures.errors_by_type),
        quality_issues_by_code=_ranked(figures.quality_issues_by_code),
    )


def _ranked(counts: dict[str, int]) -> list[tuple[str, float]]:
    return [(k, float(v)) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


async def dashboard_series(
    rt: Runtime, *, bucket: Bucket = "hour", days: int | None = None
) -> DashboardSeries:
    """The series of the last ``days`` (7 by hour, 30 by day unless given), buffered events
    written first."""
    since, until = window(rt.now(), bucket=bucket, days=days)
    await rt.flush()
    async with rt.store.transaction(readonly=True) as tx:
        figures = await tx.events.window(since=since, until=until)
    return series_from(figures, bucket=bucket, since=since, until=until)


def render_dashboard_charts(series: DashboardSeries) -> dict[str, str]:
    """Inline SVG per chart, keyed by name (for the studio's dashboard template)."""
    per = "hour" if series.bucket == "hour" else "day"
    return {
        "llm_calls": charts.line_chart(f"LLM calls per {per}", series.llm_calls),
        "tokens": charts.line_chart(f"Tokens per {per}", series.tokens),
        "cost_usd": charts.line_chart(f"Cost per {per}", series.cost_usd, fmt=charts.usd),
        "cost_saved_usd": charts.line_chart(
            f"Cost saved per {per}", series.cost_saved_usd, fmt=charts.usd
        ),
        "hit_rate": charts.line_chart(
            "Cache hit rate", series.hit_rate, fmt=charts.percent, area=False
        ),
        "error_rate": charts.line_chart(
            "LLM error rate", series.error_rate, fmt=charts.percent, area=False
        ),
        "errors_by_type": charts.bar_chart("Errors by type", series.errors_by_type),
        "quality_issues_by_code": charts.bar_chart(
            "Quality issues by code", series.quality_issues_by_code
        ),
    }
