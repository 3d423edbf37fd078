"""Stats read pre-aggregated rollups: the same figures as a scan of every event, on both backends,
including ``since`` inside an hour and a database migrated with events already stored."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import column, table, text
from sqlalchemy.engine import Connection

from lessonplan.service.stats import summarize_events, summarize_rollup
from lessonplan.store import GenerationEvent, Store
from lessonplan.store.engine import alembic_config
from lessonplan.store.repos.events import EVENT_FIELDS
from lessonplan.store.rollups import bucket_of, bucket_value, fold
from lessonplan.store.sql import events as events_table
from tests.conftest import TEST_POOL

from .samples import NOW

OPERATIONS = ["plan_answer", "plan", "stage:content", "stage:production", "lesson_quality"]
OUTCOMES = {
    "plan_answer": ["cache", "joined", "generated", "repaired", "reused", "error", "offline"],
    "plan": ["ok", "rate_limited", "invalid_output"],
    "stage:content": ["ok", "timeout"],
    "stage:production": ["ok", "cancelled"],
    "lesson_quality": ["checked"],
}


def sample_events(count: int, seed: int = 7) -> list[GenerationEvent]:
    rng = random.Random(seed)
    events = []
    for i in range(count):
        operation = rng.choice(OPERATIONS)
        outcome = rng.choice(OUTCOMES[operation])
        failed = outcome not in ("ok", "checked", "cache", "joined", "generated", "reused")
        events.append(
            GenerationEvent(
                at=NOW + timedelta(minutes=7 * i, seconds=rng.randint(0, 59)),
                operation=operation,
                can_do_id=f"JF:{rng.randint(1, 5)}",
                outcome=outcome,
                latency_ms=round(rng.uniform(0, 3000), 3),
                prompt_tokens=rng.randint(0, 2000),
                completion_tokens=rng.randint(0, 800),
                cost_usd=rng.uniform(0, 0.01),
                cost_saved_usd=rng.uniform(0, 0.01),
                error_type=outcome if failed and outcome != "offline" else None,
                quality_issue_count=rng.randint(0, 3),
                quality_codes=rng.sample(["SCN_COUNT", "LEX_DUP", "KIT_WORD"], rng.randint(0, 2))
                or None,
            )
        )
    return events


def assert_same_figures(from_rollup: dict[str, object], exact: dict[str, object]) -> None:
    """Equal figures; sums of floats (rounded to 6 places) may differ in the last place."""
    assert from_rollup.keys() == exact.keys()
    for key, want in exact.items():
        got = from_rollup[key]
        if key == "plan_generation_ms":
            assert isinstance(got, dict) and isinstance(want, dict)
            assert got["count"] == want["count"]
            for q in ("p50", "p95"):  # from a 2 % histogram
                assert got[q] == pytest.approx(want[q], rel=0.011, abs=0.01), q
        elif isinstance(want, float):
            assert got == pytest.approx(want, abs=2e-6), key
        else:
            assert got == want, key


def test_buckets_are_two_percent_wide() -> None:
    assert bucket_of(0) == 0 and bucket_value(0) == 0
    for ms in (0.01, 0.5, 3.7, 812.5, 59_000.0):
        assert bucket_value(bucket_of(ms)) == pytest.approx(ms, rel=0.011)


async def test_rollups_give_the_figures_of_every_event(store: Store) -> None:
    events = sample_events(300)
    for start in range(0, len(events), 37):  # several flushes, some sharing an hour
        await store.add_events(events=events[start : start + 37])
    exact = summarize_events(await store.list_events())
    assert_same_figures(summarize_rollup(await store.event_rollup()), exact)


async def test_since_inside_an_hour_is_exact(store: Store) -> None:
    events = sample_events(120)
    await store.add_events(events=events)
    since = NOW + timedelta(hours=3, minutes=22, seconds=13)
    exact = summarize_events([e for e in events if e.at >= since])
    assert_same_figures(summarize_rollup(await store.event_rollup(since=since)), exact)
    on_the_hour = NOW + timedelta(hours=5)
    exact = summarize_events([e for e in events if e.at >= on_the_hour])
    assert_same_figures(summarize_rollup(await store.event_rollup(since=on_the_hour)), exact)


def _alembic(connection: Connection, verb: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, verb)(cfg, revision)


async def test_migration_0004_folds_events_already_stored(db_url: str) -> None:
    store = await Store.open(db_url, **TEST_POOL)
    try:
        async with store.engine.begin() as conn:
            await conn.run_sync(_alembic, "downgrade", "0003")
        events = sample_events(80)
        # The event columns revision 0003 has (later revisions add to them).
        fields = [name for name in EVENT_FIELDS if name != "cached_prompt_tokens"]
        rows = [{name: getattr(e, name) for name in fields} for e in events]
        events_0003 = table(
            "generation_events", *(column(name, events_table.c[name].type) for name in fields)
        )
        async with store.engine.begin() as conn:
            await conn.execute(events_0003.insert(), rows)
        async with store.engine.begin() as conn:
            await conn.run_sync(_alembic, "upgrade", "head")
        exact = summarize_events(await store.list_events())
        assert_same_figures(summarize_rollup(await store.event_rollup()), exact)
        async with store.engine.connect() as conn:
            groups = (await conn.execute(text("SELECT count(*) FROM event_rollups"))).scalar_one()
        assert 0 < groups <= len(fold(events).groups)
    finally:
        await store.close()
