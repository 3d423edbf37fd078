"""Zipf workload: many plan requests over a skewed key space, at fixed concurrency.

The requests are plan requests (``service.plans.get_plan``): the plan is what the cache serves,
and it is the first step of every compile. Keys are (descriptor × profile) pairs: synthetic
descriptors ``BENCH:001``… and synthetic learners whose compact-prompt projections differ, each
pair verified to give its own ``plan_key``. Popularity follows Zipf(s) over the keys (seeded).

Figures: LLM plan calls counted at the simulated server versus unique keys requested (goal:
equal: every key generated once, whatever the concurrency), hit rate, and the overhead per
request beyond the simulated LLM time: request wall time minus the simulated latency of the LLM
calls it waited through (its own call when it generated; the part of the leader's call it waited
through, capped at the latency, when it joined an in-flight generation; nothing for a cache hit).
The process's resident memory is sampled during the run (the ``memory`` workload reports it), and
its CPU time is reported beside the wall time: at this concurrency one Python process is usually
CPU-bound, and the overhead then measures queueing for its event loop as much as any one step.
"""

from __future__ import annotations

import asyncio
import random
import resource
import threading
import time
from dataclasses import dataclass

import psutil

from benchmarks.workloads.common import (
    CALL_TAG,
    BenchContext,
    CallRecord,
    Figures,
    open_runtime,
    percentile,
    rss_mb,
    show,
    synthetic_descriptors,
    synthetic_profiles,
)
from lessonplan.domain.models import PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan, plan_key

NAME = "zipf"
SEED = 20_240_601


@dataclass(frozen=True)
class Params:
    requests: int
    descriptors: int
    profiles: int
    concurrency: int
    latency_ms: float
    s: float = 1.1


FULL = Params(requests=2000, descriptors=100, profiles=50, concurrency=32, latency_ms=50)
QUICK = Params(requests=300, descriptors=20, profiles=10, concurrency=32, latency_ms=20)


@dataclass(frozen=True)
class Sample:
    key: str
    start: float
    end: float
    kind: str  # "generated", "joined" or "hit"


class RssSampler:
    """Samples this process's RSS every ``interval`` seconds in a thread; keeps the peak."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.baseline = rss_mb()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def zipf_picks(n_keys: int, n_requests: int, s: float, rng: random.Random) -> list[int]:
    """Key indexes of the requests: rank r drawn with weight 1/r^s, ranks mapped to keys by a
    seeded shuffle (so popularity is not tied to descriptor or profile order)."""
    by_rank = list(range(n_keys))
    rng.shuffle(by_rank)
    weights = [1.0 / (rank**s) for rank in range(1, n_keys + 1)]
    return [by_rank[r] for r in rng.choices(range(n_keys), weights=weights, k=n_requests)]


def overheads_ms(samples: list[Sample], calls: list[CallRecord], latency_s: float) -> list[float]:
    """Per request: wall time minus the simulated LLM time it waited through."""
    by_key: dict[str, list[CallRecord]] = {}
    for call in calls:
        if call.tag is not None:
            by_key.setdefault(call.tag, []).append(call)
    out = []
    for sample in samples:
        waited = 0.0
        for call in by_key.get(sample.key, []):
            overlap = min(sample.end, call.end) - max(sample.start, call.start)
            waited += min(max(overlap, 0.0), latency_s)
        out.append((sample.end - sample.start - waited) * 1000)
    return out


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, provider = await open_runtime(url, llm_concurrency=p.concurrency)
        try:
            descriptors = synthetic_descriptors(p.descriptors)
            await rt.store.upsert_descriptors(descriptors=descriptors)
            kit = PrelessonKit()
            space = [
                PlanInputs(d, pr, kit) for d in descriptors for pr in synthetic_profiles(p.profiles)
            ]
            keys = [plan_key(rt, inputs, rt.provider).key_hash for inputs in space]
            if len(set(keys)) != len(space):
                raise RuntimeError(f"synthetic key space collides: {len(set(keys))} keys")
            picks = zipf_picks(len(space), p.requests, p.s, random.Random(SEED))
            ctx.configure_sim(p.latency_ms)
            samples: list[Sample] = []
            pending = iter(picks)

            async def worker() -> None:
                for index in pending:  # one shared iterator: each request taken once
                    token = CALL_TAG.set(keys[index])
                    try:
                        start = time.perf_counter()
                        result = await get_plan(rt, space[index])
                        end = time.perf_counter()
                    finally:
                        CALL_TAG.reset(token)
                    path = result.provenance.path
                    kind = "hit" if result.source == "cache" else "generated"
                    if "single_flight:joined" in path:
                        kind = "joined"
                    samples.append(Sample(keys[index], start, end, kind))

            with RssSampler() as rss:
                psutil.cpu_percent()  # starts the machine-wide measurement interval
                cpu_before, started = time.process_time(), time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(p.concurrency)))
                wall = time.perf_counter() - started
                cpu = time.process_time() - cpu_before
                machine_busy = psutil.cpu_percent() / 100
            llm_plan_calls = ctx.plan_calls()
        finally:
            await rt.close()
    overhead = overheads_ms(samples, provider.calls, p.latency_ms / 1000)
    kinds = [s.kind for s in samples]

    def p50_of(kind: str) -> float | None:
        values = [o for o, k in zip(overhead, kinds, strict=True) if k == kind]
        return round(percentile(values, 50), 3) if values else None

    unique = len(set(picks))
    ctx.shared.setdefault("zipf_memory", {})[backend] = {
        "peak_rss_mb": round(rss.peak, 1),
        "baseline_rss_mb": round(rss.baseline, 1),
        "growth_mb": round(rss.peak - rss.baseline, 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return {
        "requests": p.requests,
        "key_space": len(space),
        "concurrency": p.concurrency,
        "latency_ms": p.latency_ms,
        "llm_plan_calls": llm_plan_calls,
        "unique_keys": unique,
        "hit_rate": round(1 - kinds.count("generated") / len(kinds), 4),
        "cache_hits": kinds.count("hit"),
        "joined": kinds.count("joined"),
        "generated": kinds.count("generated"),
        "overhead_ms_p50": round(percentile(overhead, 50), 3),
        "overhead_ms_p95": round(percentile(overhead, 95), 3),
        "overhead_ms_p50_hit": p50_of("hit"),
        "overhead_ms_p50_generated": p50_of("generated"),
        "overhead_ms_p50_joined": p50_of("joined"),
        "wall_s": round(wall, 3),
        "requests_per_s": round(p.requests / wall, 1),
        "process_cpu_s": round(cpu, 3),
        "cpu_busy": round(cpu / wall, 3),
        "cpu_ms_per_request": round(cpu / p.requests * 1000, 3),
        "machine_cpu_busy": round(machine_busy, 3),
    }


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        show(
            ctx,
            f"[zipf] {backend}: {f['requests']} plan requests (get_plan: the plan is what the "
            f"cache serves) over {p.descriptors} descriptors × {p.profiles} profiles, "
            f"Zipf s={p.s}, concurrency {p.concurrency}, simulated latency {p.latency_ms:g} ms",
            [
                ("LLM plan calls (at the server)", f["llm_plan_calls"], "= unique keys"),
                ("unique keys requested", f["unique_keys"], ""),
                (
                    "hit rate (no own LLM call)",
                    f["hit_rate"],
                    f"ideal {1 - f['unique_keys'] / f['requests']:.4f}",
                ),
                (
                    "  cache hits / joined / generated",
                    f"{f['cache_hits']} / {f['joined']} / {f['generated']}",
                    "",
                ),
                (
                    "overhead per request p50 (ms)",
                    f["overhead_ms_p50"],
                    "wall − simulated LLM time",
                ),
                ("overhead per request p95 (ms)", f["overhead_ms_p95"], ""),
                (
                    "  p50 hit / generated / joined (ms)",
                    " / ".join(
                        str(f[f"overhead_ms_p50_{kind}"]) for kind in ("hit", "generated", "joined")
                    ),
                    "",
                ),
                ("throughput (requests/s)", f["requests_per_s"], f"wall {f['wall_s']} s"),
                (
                    "process CPU / wall",
                    f["cpu_busy"],
                    "≈ 1: one core saturated, overhead is queueing",
                ),
                ("process CPU per request (ms)", f["cpu_ms_per_request"], "the service's own work"),
                ("machine CPU busy (all cores)", f["machine_cpu_busy"], "with the server and DB"),
            ],
        )
    primary = ctx.primary_backend
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
