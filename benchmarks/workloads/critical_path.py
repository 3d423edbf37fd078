"""Critical path: compile wall time over (longest chain of dependent LLM calls × latency).

A compile makes five LLM calls: the plan, then content, then comprehension, production and
interaction together (they build on the content's dialogue and reading). The chain is measured
from the calls' own intervals (the most calls that ran strictly one after another; goal: 3).
``ratio`` = mean compile wall time over (chain × simulated latency), goal ≤ 1.1.
``sequential_ratio`` is the same compile, in the same run and over the same denominator, with
the provider wrapped so that every call is awaited one after another (an ``asyncio.Lock``
around each call): about 5/3. Every compile is a cold one (its own learner, so the plan is
generated); the two variants alternate to share the noise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.workloads.common import (
    BenchContext,
    Figures,
    RecordingProvider,
    longest_chain,
    open_runtime,
    show,
    synthetic_profiles,
)
from lessonplan.service.compile import compile_lesson
from lessonplan.service.runtime import Runtime

NAME = "critical_path"
CAN_DO_ID = "JF:105"


@dataclass(frozen=True)
class Params:
    compiles: int
    latency_ms: float


FULL = Params(compiles=5, latency_ms=300)
QUICK = Params(compiles=2, latency_ms=100)


@dataclass(frozen=True)
class Compile:
    wall: float
    chain: int
    calls: int
    chain_call_s: float  # time spent inside the chain's LLM calls, as the client saw them


async def timed_compile(rt: Runtime, provider: RecordingProvider, learner: int) -> Compile:
    """One cold compile (its own learner: the plan is generated), timed."""
    profile = synthetic_profiles(learner + 1, prefix="critical")[learner]
    provider.calls.clear()
    started = time.perf_counter()
    result = await compile_lesson(rt, CAN_DO_ID, profile=profile)
    wall = time.perf_counter() - started
    if result.lesson.status != "complete" or result.plan.source != "generated":
        raise RuntimeError(
            f"compile not cold and complete: {result.lesson.status}, {result.plan.source}"
        )
    chain = longest_chain(provider.calls)
    return Compile(wall, len(chain), len(provider.calls), sum(c.end - c.start for c in chain))


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, concurrent = await open_runtime(url)
        rt_seq, serial = await open_runtime(url, serialize=True)
        try:
            ctx.configure_sim(p.latency_ms)
            await timed_compile(rt, concurrent, 0)  # warm-up: connections, caches, imports
            conc: list[Compile] = []
            seq: list[Compile] = []
            for i in range(p.compiles):
                conc.append(await timed_compile(rt, concurrent, 1 + 2 * i))
                seq.append(await timed_compile(rt_seq, serial, 2 + 2 * i))
        finally:
            await rt_seq.close()
            await rt.close()
    latency = p.latency_ms / 1000
    chain = max(c.chain for c in conc)
    wall = _mean([c.wall for c in conc])
    in_calls = _mean([c.chain_call_s for c in conc])
    return {
        "compiles": p.compiles,
        "latency_ms": p.latency_ms,
        "calls_per_compile": max(c.calls for c in conc),
        "chain_length": chain,
        "sequential_chain_length": max(c.chain for c in seq),
        "ratio": round(wall / (chain * latency), 4),
        "sequential_ratio": round(_mean([c.wall for c in seq]) / (chain * latency), 4),
        "wall_ms_mean": round(wall * 1000, 1),
        "sequential_wall_ms_mean": round(_mean([c.wall for c in seq]) * 1000, 1),
        "chain_calls_beyond_latency_ms": round((in_calls - chain * latency) * 1000, 1),
        "off_chain_ms": round((wall - in_calls) * 1000, 1),
    }


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        show(
            ctx,
            f"[critical_path] {backend}: cold compiles of {CAN_DO_ID}, mean of {f['compiles']}, "
            f"simulated latency {p.latency_ms:g} ms",
            [
                ("LLM calls per compile", f["calls_per_compile"], ""),
                ("longest chain of dependent calls", f["chain_length"], "goal 3"),
                ("compile wall / (chain × latency)", f["ratio"], "goal ≤ 1.1"),
                ("same, every call awaited in turn", f["sequential_ratio"], "≈ 5/3"),
                ("  its observed chain", f["sequential_chain_length"], ""),
                (
                    "mean compile wall (ms)",
                    f"{f['wall_ms_mean']} vs {f['sequential_wall_ms_mean']}",
                    "concurrent vs sequential",
                ),
                (
                    "  chain's calls beyond the latency (ms)",
                    f["chain_calls_beyond_latency_ms"],
                    "server work + HTTP + SDK",
                ),
                (
                    "  wall outside the chain's calls (ms)",
                    f["off_chain_ms"],
                    "the service's own time",
                ),
            ],
        )
    primary = ctx.primary_backend
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
