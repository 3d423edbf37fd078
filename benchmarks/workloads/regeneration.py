"""Regeneration: stage regenerations reuse the plan stored with the lesson. Goal: 0 plan calls.

Compiles a few lessons (each for its own learner), then regenerates stages one at a time,
cycling through content, comprehension, production and interaction over the lessons, with the
default options (``reuse_plan=True``). Figures: LLM plan calls during the regenerations (counted
at the simulated server) and the mean wall time of one regeneration over the simulated latency of
one call (a regeneration makes exactly one stage call: ideal 1.0).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from benchmarks.workloads.common import (
    BenchContext,
    Figures,
    open_runtime,
    percentile,
    show,
    synthetic_profiles,
)
from lessonplan.domain.lesson import STAGES
from lessonplan.service.compile import compile_lesson
from lessonplan.service.regenerate import regenerate_stage

NAME = "regeneration"
CAN_DO_IDS = ("JF:105", "JF:106", "LP:010")


@dataclass(frozen=True)
class Params:
    lessons: int
    regenerations: int
    latency_ms: float


FULL = Params(lessons=8, regenerations=100, latency_ms=100)
QUICK = Params(lessons=3, regenerations=16, latency_ms=50)


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, _ = await open_runtime(url)
        try:
            ctx.configure_sim(0)
            lesson_ids = []
            for i, profile in enumerate(synthetic_profiles(p.lessons, prefix="regen")):
                result = await compile_lesson(rt, CAN_DO_IDS[i % len(CAN_DO_IDS)], profile=profile)
                lesson_ids.append(result.lesson.lesson_id)
            ctx.configure_sim(p.latency_ms)  # counters start here: only regenerations count
            walls, plan_sources, statuses = [], [], []
            for i in range(p.regenerations):
                stage = STAGES[i % len(STAGES)]
                started = time.perf_counter()
                result = await regenerate_stage(rt, lesson_ids[i % len(lesson_ids)], stage)
                walls.append(time.perf_counter() - started)
                plan_sources.append(result.plan_source)
                statuses.append(result.lesson.stages[result.stage].status)
            calls = ctx.sim_calls()
        finally:
            await rt.close()
    latency = p.latency_ms / 1000
    mean_wall = sum(walls) / len(walls)
    return {
        "lessons": p.lessons,
        "regenerations": p.regenerations,
        "latency_ms": p.latency_ms,
        "plan_calls": calls.get("plan", 0),
        "stage_calls": sum(v for k, v in calls.items() if k != "plan"),
        "plan_sources": dict(Counter(plan_sources)),
        "stages_done": statuses.count("done"),
        "wall_over_latency": round(mean_wall / latency, 4),
        "wall_ms_mean": round(mean_wall * 1000, 3),
        "overhead_ms_p50": round(percentile([w - latency for w in walls], 50) * 1000, 3),
    }


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        show(
            ctx,
            f"[regeneration] {backend}: {f['regenerations']} stage regenerations "
            f"(mixed stages) over {f['lessons']} lessons, simulated latency {p.latency_ms:g} ms",
            [
                ("LLM plan calls during them", f["plan_calls"], "goal 0"),
                ("stage calls / stages done", f"{f['stage_calls']} / {f['stages_done']}", ""),
                ("plan sources", f["plan_sources"], "reused = the lesson's own plan"),
                ("mean wall / latency of one call", f["wall_over_latency"], "ideal 1.0"),
                ("overhead per regeneration p50 (ms)", f["overhead_ms_p50"], "wall − latency"),
            ],
        )
    primary = ctx.primary_backend
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
