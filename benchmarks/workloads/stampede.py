"""Stampede: many identical plan requests at once, on a cold cache. Goal: one LLM plan call.

In one process: ``REQUESTS`` concurrent ``get_plan`` calls for one key (in-process single-flight),
on each backend. Across processes (PostgreSQL only: advisory locks): ``PROCESSES`` OS processes,
each with ``REQUESTS / PROCESSES`` concurrent requests, against the same database; the workers
open their runtimes first and then start together on a signal, so their requests overlap.
Calls are counted at the simulated server.

Worker: ``python -m benchmarks.workloads.stampede --worker N CAN_DO_ID`` (settings from
``LESSONPLAN_DATABASE_URL``, ``OPENAI_BASE_URL``); prints ``READY``, waits for a line on stdin,
then prints the plan sources as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

from benchmarks.simserver.server import REPO_ROOT
from benchmarks.workloads.common import (
    LLM_SPEC,
    BenchContext,
    Figures,
    bench_settings,
    open_runtime,
    show,
)
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.runtime import Runtime
from lessonplan.store.engine import create_engine
from lessonplan.store.repository import Store

NAME = "stampede"
CAN_DO_ID = "JF:105"
REQUESTS = 200
PROCESSES = 4
READY = "STAMPEDE READY"
WORKER_MAX_OVERFLOW = 15


@dataclass(frozen=True)
class Params:
    latency_ms: float
    worker_timeout_s: float


FULL = Params(latency_ms=200, worker_timeout_s=120)
QUICK = Params(latency_ms=100, worker_timeout_s=60)


async def crowd(rt: Runtime, count: int, can_do_id: str = CAN_DO_ID) -> list[str]:
    """``count`` concurrent plan requests for one key; their sources (``:joined`` marks a
    request that shared another's in-process generation)."""
    descriptor = await rt.store.get_descriptor(uid=can_do_id)
    assert descriptor is not None
    inputs = PlanInputs(descriptor, LearnerProfile(learner_id="crowd"), PrelessonKit())
    results = await asyncio.gather(*(get_plan(rt, inputs) for _ in range(count)))
    return [
        r.source + (":joined" if "single_flight:joined" in r.provenance.path else "")
        for r in results
    ]


async def in_process(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, _ = await open_runtime(url)
        try:
            ctx.configure_sim(p.latency_ms)
            sources = await crowd(rt, REQUESTS)
            calls = ctx.plan_calls()
        finally:
            await rt.close()
    return {"calls": calls, "sources": dict(Counter(sources))}


async def cross_process(ctx: BenchContext, p: Params) -> Figures:
    async with ctx.database("postgres") as url:
        rt, _ = await open_runtime(url)  # migrate and seed once, before the workers start
        await rt.close()
        ctx.configure_sim(p.latency_ms)
        env = {
            **os.environ,
            "LESSONPLAN_DATABASE_URL": url,
            "LESSONPLAN_LLM": LLM_SPEC,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
            ),
        }
        per_process = REQUESTS // PROCESSES
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.workloads.stampede",
            "--worker",
            str(per_process),
            CAN_DO_ID,
        ]
        outputs = await asyncio.to_thread(run_workers, cmd, env, p.worker_timeout_s)
        calls = ctx.plan_calls()
    sources = [s for out in outputs for s in out]
    return {"calls": calls, "requests": len(sources), "sources": dict(Counter(sources))}


def run_workers(cmd: list[str], env: dict[str, str], timeout: float) -> list[list[str]]:
    """Start the workers, wait until every one is READY, release them together, collect their
    sources; kills any worker still running on the way out."""
    procs = [
        subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(PROCESSES)
    ]
    try:
        return _drive(procs, timeout)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _drive(procs: list[subprocess.Popen[str]], timeout: float) -> list[list[str]]:
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith(READY):
            _, err = proc.communicate(timeout=timeout)
            raise RuntimeError(f"stampede worker did not start: {err.strip()[-2000:]}")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"stampede worker failed: {err.strip()[-2000:]}")
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    return outputs


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await in_process(ctx, backend, p) for backend in ctx.backends}
    cross = await cross_process(ctx, p) if "postgres" in ctx.backends else None
    rows: list[tuple[str, object, str]] = [
        (f"in one process, {backend}: LLM plan calls", f["calls"], "goal 1")
        for backend, f in by_backend.items()
    ]
    if cross is not None:
        rows.append(
            (
                f"{PROCESSES} processes × {REQUESTS // PROCESSES}, postgres: LLM plan calls",
                cross["calls"],
                "goal 1",
            )
        )
    show(
        ctx,
        f"[stampede] {REQUESTS} concurrent identical plan requests, cold cache, "
        f"simulated latency {p.latency_ms:g} ms",
        rows,
        note="sources: "
        + "; ".join(f"{b} {f['sources']}" for b, f in by_backend.items())
        + (
            f"; cross-process {cross['sources']}"
            if cross
            else "; cross-process: PostgreSQL not run"
        ),
    )
    return {
        "in_process_calls": max(f["calls"] for f in by_backend.values()),
        "cross_process_calls": cross["calls"] if cross else None,
        "requests": REQUESTS,
        "processes": PROCESSES,
        "latency_ms": p.latency_ms,
        "by_backend": by_backend,
        "cross_process": cross,
    }


async def worker(count: int, can_do_id: str) -> None:
    url = os.environ["LESSONPLAN_DATABASE_URL"]
    # The default pool (10 + 20 overflow) times PROCESSES would pass PostgreSQL's default
    # max_connections (100) when every request of the burst reads the cache at once.
    store = Store(create_engine(url, pool_size=5, max_overflow=WORKER_MAX_OVERFLOW), url=url)
    rt = await Runtime.open(bench_settings(url), store=store)
    try:
        await rt.store.get_descriptor(uid=can_do_id)  # warm the pool before the start signal
        print(READY, flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        sources = await crowd(rt, count, can_do_id)
        print(json.dumps(sources), flush=True)
    finally:
        await rt.close()
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workloads.stampede")
    parser.add_argument("--worker", type=int, required=True, help="concurrent requests")
    parser.add_argument("can_do_id")
    args = parser.parse_args()
    asyncio.run(worker(args.worker, args.can_do_id))
