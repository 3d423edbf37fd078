"""Stats at scale: ``stats`` at 2k and at 200k stored events. Goal: ≤ 2× the time at 2k.

Stats read the hourly rollups kept beside the events, so their cost follows the number of
(hour, operation, outcome) groups, not of events. Both databases hold the same mix of events over
the same seven days (written through the store, so the rollups are maintained as in service);
the figure is the p50 of ``compute_stats`` (the service behind ``GET /api/v1/stats`` and
``lessonplan stats``) on each, timed alternately so that load on the machine hits both alike,
and their ratio. The scan of every event that stats used to do is
timed once at each size for comparison.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from benchmarks.workloads.common import BenchContext, Figures, open_runtime, percentile, show
from lessonplan.service.stats import compute_stats, summarize_events
from lessonplan.store import GenerationEvent, Store

NAME = "stats_scale"
START = datetime(2026, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=7)
BATCH = 5000
MIX = [
    ("plan_answer", "cache", None),
    ("plan_answer", "cache", None),
    ("plan_answer", "generated", None),
    ("plan_answer", "reused", None),
    ("plan", "ok", None),
    ("plan", "rate_limited", "rate_limited"),
    ("stage:content", "ok", None),
    ("stage:comprehension", "ok", None),
    ("stage:production", "ok", None),
    ("stage:interaction", "invalid_output", "invalid_output"),
    ("lesson_quality", "checked", None),
]


@dataclass(frozen=True)
class Params:
    small: int
    large: int
    calls: int


FULL = Params(small=2_000, large=200_000, calls=60)
QUICK = Params(small=2_000, large=20_000, calls=10)


def events(count: int, seed: int) -> list[GenerationEvent]:
    rng = random.Random(seed)
    step = SPAN / count
    out = []
    for i in range(count):
        operation, outcome, error = rng.choice(MIX)
        out.append(
            GenerationEvent(
                at=START + step * i,
                operation=operation,
                can_do_id=f"JF:{rng.randint(1, 400)}",
                outcome=outcome,
                latency_ms=rng.uniform(1, 4000) if outcome == "generated" else rng.uniform(0, 5),
                prompt_tokens=rng.randint(300, 2500) if operation != "plan_answer" else 0,
                completion_tokens=rng.randint(100, 900) if operation != "plan_answer" else 0,
                cost_usd=rng.uniform(0, 0.002),
                cost_saved_usd=rng.uniform(0, 0.002) if outcome == "cache" else 0.0,
                error_type=error,
                quality_codes=["LEX_COUNT"] if operation == "lesson_quality" else None,
            )
        )
    return out


async def fill(store: Store, count: int) -> None:
    batch = events(count, seed=count)
    for start in range(0, count, BATCH):
        await store.add_events(events=batch[start : start + BATCH])


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    """Both databases open at once, their stats timed alternately: a busy machine slows both."""
    async with ctx.database(backend) as small_url, ctx.database(backend) as large_url:
        small, _ = await open_runtime(small_url)
        large, _ = await open_runtime(large_url)
        try:
            await fill(small.store, p.small)
            await fill(large.store, p.large)
            times: dict[str, list[float]] = {"small": [], "large": []}
            for _ in range(p.calls):
                for name, rt in (("small", small), ("large", large)):
                    started = time.perf_counter()
                    stats = await compute_stats(rt)
                    times[name].append((time.perf_counter() - started) * 1000)
            assert stats["plan_requests"] + stats["llm_calls"] <= p.large
            scans = {}
            for name, rt in (("small", small), ("large", large)):
                started = time.perf_counter()
                summarize_events(await rt.store.list_events())
                scans[name] = (time.perf_counter() - started) * 1000
        finally:
            await small.close()
            await large.close()
    p50 = {name: percentile(values, 50) for name, values in times.items()}
    return {
        "small_events": p.small,
        "large_events": p.large,
        "stats_ms_p50_small": round(p50["small"], 3),
        "stats_ms_p50_large": round(p50["large"], 3),
        "ratio": round(p50["large"] / p50["small"], 3),
        "scan_ms_small": round(scans["small"], 1),
        "scan_ms_large": round(scans["large"], 1),
    }


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        show(
            ctx,
            f"[stats_scale] {backend}: stats at {p.small:,} vs {p.large:,} events "
            f"(same mix over {SPAN.days} days), p50 of {p.calls} calls",
            [
                (f"stats p50 at {p.small:,} events (ms)", f["stats_ms_p50_small"], ""),
                (f"stats p50 at {p.large:,} events (ms)", f["stats_ms_p50_large"], ""),
                ("ratio large / small", f["ratio"], "goal ≤ 2"),
                (f"old full scan at {p.small:,} (ms)", f["scan_ms_small"], "every event read"),
                (f"old full scan at {p.large:,} (ms)", f["scan_ms_large"], "every event read"),
            ],
        )
    primary = ctx.primary_backend
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
