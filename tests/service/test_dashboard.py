"""The dashboard's series come from the hourly rollups and agree with `stats` over the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lessonplan.service.dashboard import dashboard_series, render_dashboard_charts, window
from lessonplan.service.stats import compute_stats
from lessonplan.store.records import GenerationEvent
from tests.service.conftest import Clock, RuntimeFactory


def event(at: datetime, operation: str, outcome: str, **values: object) -> GenerationEvent:
    return GenerationEvent(
        at=at, operation=operation, can_do_id="JF:105", outcome=outcome, **values
    )  # type: ignore[arg-type]


async def test_hourly_series_match_the_events_and_stats(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime()
    now = clock.now
    two_ago = now.replace(minute=5, second=0, microsecond=0) - timedelta(hours=2)
    old = now - timedelta(days=10)  # outside the 7-day window
    await rt.store.add_events(
        events=[
            event(two_ago, "plan", "ok", prompt_tokens=100, completion_tokens=50, cost_usd=0.02),
            event(two_ago, "plan_answer", "generated", latency_ms=5.0),
            event(two_ago, "stage:content", "ok", prompt_tokens=10, completion_tokens=5),
            event(now, "plan", "error", error_type="timeout"),
            event(now, "plan_answer", "cache", cost_saved_usd=0.02),
            event(now, "plan_answer", "reused"),
            event(now, "lesson_quality", "ok", quality_codes=["furigana_missing", "a<b&c"]),
            event(old, "plan", "ok", prompt_tokens=999, cost_usd=9.0),
        ]
    )
    series = await dashboard_series(rt, bucket="hour")
    assert series.since == window(now, bucket="hour")[0]
    assert len(series.llm_calls) == 7 * 24  # every hour, zero when nothing happened
    calls = {at: v for at, v in series.llm_calls}
    hour = two_ago.replace(minute=0)
    assert calls[hour] == 2
    assert calls[now.replace(minute=0, second=0, microsecond=0)] == 1
    assert sum(calls.values()) == 3
    assert dict(series.tokens)[hour] == 165
    assert dict(series.cost_usd)[hour] == pytest.approx(0.02)
    # the cache hit saved 0.02; the reuse is valued at the mean generated plan cost (0.02)
    assert sum(v for _, v in series.cost_saved_usd) == pytest.approx(0.04)
    assert dict(series.hit_rate) == {hour: 0.0, now.replace(minute=0, second=0, microsecond=0): 1.0}
    assert series.errors_by_type == [("timeout", 1.0)]
    assert dict(series.quality_issues_by_code) == {"furigana_missing": 1.0, "a<b&c": 1.0}

    stats = await compute_stats(rt, since=series.since)
    assert stats["llm_calls"] == sum(calls.values())
    assert stats["cost_saved_usd"] == pytest.approx(sum(v for _, v in series.cost_saved_usd))
    assert stats["quality_issues_by_code"] == {k: int(v) for k, v in series.quality_issues_by_code}

    svgs = render_dashboard_charts(series)
    assert "a&lt;b&amp;c" in svgs["quality_issues_by_code"]
    assert svgs["llm_calls"].count('class="point"') == 7 * 24


async def test_daily_series_fold_hours_into_days(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime()
    day = clock.now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    await rt.store.add_events(
        events=[
            event(day + timedelta(hours=1), "plan", "ok"),
            event(day + timedelta(hours=5), "stage:practice", "ok"),
            event(day - timedelta(days=3, hours=-2), "plan", "ok"),
        ]
    )
    series = await dashboard_series(rt, bucket="day", days=30)
    assert len(series.llm_calls) == 30
    assert series.llm_calls[-1] == (day, 2)
    assert dict(series.llm_calls)[day - timedelta(days=3)] == 1
    assert not series.empty


async def test_no_events_gives_empty_series_and_no_data_charts(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime()
    series = await dashboard_series(rt, bucket="day", days=7)
    assert series.empty
    assert series.hit_rate == [] and series.errors_by_type == []
    svgs = render_dashboard_charts(series)
    assert "no data yet" in svgs["hit_rate"] and "no data yet" in svgs["errors_by_type"]


def test_window_rejects_a_bad_number_of_days() -> None:
    with pytest.raises(ValueError, match="days must be between 1 and 366"):
        window(datetime(2026, 1, 1, tzinfo=UTC), bucket="day", days=0)
