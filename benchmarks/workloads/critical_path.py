"""Critical path: compile wall time over (longest chain of dependent LLM calls × latency).

A compile makes five LLM calls: the plan, then content, then comprehension, production and
interaction together (they build on the content's dialogue and reading). The chain is measured
from the calls' own intervals (the most calls that ran strictly one after another; goal: 3).
``ratio`` = median warm compile wall time over (chain × simulated latency) at 100 ms, goal ≤ 1.15.
``cold_ratio`` the same for the first compile of a fresh process (:mod:`cold_child`: Python
started, the library imported, nothing else loaded), its runtime opened with ``warm=True`` as
``serve`` and the queue workers open theirs, goal ≤ 1.3; ``cold_unwarmed_ratio`` the same
without ``warm`` (a one-shot script's compile: it pays for loading the SDK's request path, the
schemas and the Japanese text layer, the latter in a thread during its plan call);
``cold_open_ms`` what opening (and warming) cost before it. ``fresh_runtime_ratio`` is the
first compile of a runtime opened in this process (new pools, the process already loaded).
The warm compiles' runtimes are opened with ``warm=True`` too, as a serving process's is.
All at 100 ms and 300 ms latency (``by_latency``).
``sequential_ratio`` is the same compile, in the same run and over the same denominator, with
the provider wrapped so that every call is awaited one after another (an ``asyncio.Lock``
around each call): about 5/3. Every compile is a cold one (its own learner, so the plan is
generated, and the text layer's text caches emptied: :func:`forget_texts`); the two variants
alternate to share the noise.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


FULL = Params(compiles=9, latency_ms=100)
QUICK = Params(compiles=2, latency_ms=100)
LATENCIES_FULL = (100.0, 300.0)
LATENCIES_QUICK = (100.0,)


@dataclass(frozen=True)
class Compile:
    wall: float
    chain: int
    calls: int
    chain_call_s: float  # time spent inside the chain's LLM calls, as the client saw them


async def timed_compile(rt: Runtime, provider: RecordingProvider, learner: int) -> Compile:
    """One cold compile (its own learner: the plan is generated), timed."""
    profile = synthetic_profiles(learner + 1, prefix="critical")[learner]
    forget_texts()
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


REPO = Path(__file__).resolve().parents[2]


def forget_texts() -> None:
    """Empty the text layer's caches keyed by a text or a word (analyses, words, annotations,
    romaji, inflections), so each compile annotates its lesson as the first lesson of a process
    would be: every compile here gets the same simulated lesson, which a warm process would
    otherwise analyse once for all (a serving process knows most words of a new lesson; here
    none are known at the start of a compile, only those its own texts repeat)."""
    from lessonplan.domain.inflection import inflected_prefixes
    from lessonplan.japanese.annotate import forget_texts as forget_annotations

    forget_annotations()
    inflected_prefixes.cache_clear()


async def child_compile(url: str, learner: int, *, warm: bool) -> dict[str, float]:
    """:mod:`cold_child` in a fresh process: its compile's figures (the child is reaped)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.workloads.cold_child",
        url,
        str(learner),
        "1" if warm else "0",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"cold_child failed ({child.returncode}): {err.decode()[-2000:]}")
    figures: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, concurrent = await open_runtime(url, warm=True)  # as serve and the workers do
        rt_seq, serial = await open_runtime(url, serialize=True, warm=True)
        try:
            ctx.configure_sim(p.latency_ms)
            fresh = await timed_compile(rt, concurrent, 0)  # this runtime's first: counted
            unused = 2 * p.compiles + 1  # learners the compiles below do not use
            served = await child_compile(url, unused, warm=True)
            oneshot = await child_compile(url, unused + 1, warm=False)
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
    wall = _median([c.wall for c in conc])
    in_calls = _mean([c.chain_call_s for c in conc])
    return {
        "compiles": p.compiles,
        "latency_ms": p.latency_ms,
        "calls_per_compile": max(c.calls for c in conc),
        "chain_length": chain,
        "sequential_chain_length": max(c.chain for c in seq),
        "ratio": round(wall / (chain * latency), 4),
        "cold_ratio": round(served["wall_s"] / (chain * latency), 4),
        "cold_unwarmed_ratio": round(oneshot["wall_s"] / (chain * latency), 4),
        "fresh_runtime_ratio": round(fresh.wall / (chain * latency), 4),
        "cold_chain_length": max(served["chain"], oneshot["chain"]),
        "sequential_ratio": round(_median([c.wall for c in seq]) / (chain * latency), 4),
        "wall_ms_median": round(wall * 1000, 1),
        "cold_wall_ms": round(served["wall_s"] * 1000, 1),
        "cold_unwarmed_wall_ms": round(oneshot["wall_s"] * 1000, 1),
        "cold_open_ms": round(served["open_s"] * 1000, 1),
        "cold_unwarmed_open_ms": round(oneshot["open_s"] * 1000, 1),
        "sequential_wall_ms_median": round(_median([c.wall for c in seq]) * 1000, 1),
        "chain_calls_beyond_latency_ms": round((in_calls - chain * latency) * 1000, 1),
        "off_chain_ms": round((wall - in_calls) * 1000, 1),
    }


async def run(ctx: BenchContext) -> Figures:
    base = QUICK if ctx.quick else FULL
    latencies = LATENCIES_QUICK if ctx.quick else LATENCIES_FULL
    by_latency: dict[str, dict[str, Figures]] = {}
    for latency in latencies:
        p = Params(compiles=base.compiles, latency_ms=latency)
        by_latency[f"{latency:g}"] = {
            backend: await run_backend(ctx, backend, p) for backend in ctx.backends
        }
    for label, runs in by_latency.items():
        for backend, f in runs.items():
            _show(ctx, backend, f, float(label))
    primary = ctx.primary_backend
    first = by_latency[f"{latencies[0]:g}"]
    return {
        "backend": primary,
        **first[primary],
        "by_backend": first,
        "by_latency": by_latency,
    }


def _show(ctx: BenchContext, backend: str, f: Figures, latency_ms: float) -> None:
    show(
        ctx,
        f"[critical_path] {backend}: compiles of {CAN_DO_ID} (plan generated each time), "
        f"median of {f['compiles']} warm + the first (cold), latency {latency_ms:g} ms",
        [
            ("LLM calls per compile", f["calls_per_compile"], ""),
            ("longest chain of dependent calls", f["chain_length"], "goal 3"),
            ("warm compile wall / (3 × latency)", f["ratio"], "goal ≤ 1.15 at 100 ms"),
            (
                "cold compile wall / (3 × latency)",
                f["cold_ratio"],
                "goal ≤ 1.3 at 100 ms; a fresh process, runtime opened warm=True (serve)",
            ),
            (
                "  same, runtime not warmed",
                f["cold_unwarmed_ratio"],
                "a one-shot script's first compile",
            ),
            (
                "  opening before it (ms)",
                f"{f['cold_open_ms']} vs {f['cold_unwarmed_open_ms']}",
                "warmed vs not (migrated database)",
            ),
            (
                "  first compile of a runtime opened here",
                f["fresh_runtime_ratio"],
                "new pools, process loaded",
            ),
            ("same, every call awaited in turn", f["sequential_ratio"], "≈ 5/3"),
            ("  its observed chain", f["sequential_chain_length"], ""),
            (
                "median compile wall (ms)",
                f"{f['wall_ms_median']} vs {f['sequential_wall_ms_median']}",
                f"concurrent vs sequential; cold {f['cold_wall_ms']} (not warmed "
                f"{f['cold_unwarmed_wall_ms']})",
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
