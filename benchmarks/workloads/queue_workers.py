"""Queued precompile: wall time with 1, 2 and 4 worker processes vs the ideal.

A run of plan-only jobs (bundled catalog x synthetic profiles, every key a miss) is enqueued with
``lessonplan precompile --queue``; then N ``lessonplan worker --concurrency C`` processes drain it
against the simulated server. ``ideal`` = keys x critical path (1 LLM round for a plan) x latency
/ (N x C). ``ratio`` = wall time from spawning the workers to the run's last job done, over the
ideal (it includes process start-up); ``work_ratio`` = first to last LLM call at the server plus
one latency, over the ideal (the queue's own overhead while it works). PostgreSQL only.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.workloads.common import BenchContext, Figures, show

NAME = "queue_workers"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Params:
    levels: tuple[str, ...]
    profiles: int
    concurrency: int
    latency_ms: float
    workers: tuple[int, ...] = (1, 2, 4)


FULL = Params(levels=("A1", "A2", "B1", "B2"), profiles=2, concurrency=4, latency_ms=200)
QUICK = Params(levels=("A1",), profiles=2, concurrency=2, latency_ms=200)


def _env(ctx: BenchContext, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONPLAN_")}
    env.update(
        LESSONPLAN_DATABASE_URL=url,
        LESSONPLAN_LLM="openai:gpt-4o-mini",
        OPENAI_BASE_URL=ctx.sim.base_url,
        OPENAI_API_KEY="bench",
        LESSONPLAN_DB_POOL_SIZE="2",
        LESSONPLAN_DB_MAX_OVERFLOW="4",
        LESSONPLAN_DB_LOCK_POOL_MAX="8",
    )
    return env


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lessonplan.cli.app", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"lessonplan {' '.join(args)}: {done.stderr.strip()[-400:]}")
    return done.stdout


def _spawn_workers(n: int, concurrency: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lessonplan.cli.app",
                "worker",
                "--concurrency",
                str(concurrency),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
        )
        for _ in range(n)
    ]


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait()


async def one(ctx: BenchContext, p: Params, workers: int, tag: str) -> Figures:
    async with ctx.database("postgres") as url:
        env = _env(ctx, url)
        await asyncio.to_thread(_cli, "init", env=env)
        with tempfile.TemporaryDirectory() as tmp:
            args: list[str] = []
            for n in range(p.profiles):
                path = Path(tmp) / f"p{n}.json"
                path.write_text(
                    json.dumps({"learner_id": f"{tag}{n}", "learning_goals": [f"{tag} {n}"]}),
                    encoding="utf-8",
                )
                args += ["--profile", str(path)]
            jobs: list[str] = []
            for level in p.levels:
                jobs.append(
                    await asyncio.to_thread(
                        _cli, "precompile", "--queue", "--level", level, *args, "--json", env=env
                    )
                )
        runs = [json.loads(out) for out in jobs]
        keys = sum(r["total"] for r in runs)
        ctx.configure_sim(p.latency_ms)
        start = time.perf_counter()
        procs = _spawn_workers(workers, p.concurrency, env)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            while True:  # polled in SQL: a CLI `status` per poll would add its start-up
                pending = await conn.fetchval(
                    "SELECT count(*) FROM precompile_jobs WHERE state = 'pending'"
                )
                if pending == 0:
                    break
                await asyncio.sleep(0.05)
            wall = time.perf_counter() - start
            done = await conn.fetchval("SELECT count(*) FROM precompile_jobs WHERE state = 'done'")
        finally:
            await conn.close()
            await asyncio.to_thread(_stop, procs)
    arrivals = sorted(ctx.sim.stats()["arrivals"])
    latency = p.latency_ms / 1000
    ideal = keys * 1 * latency / (workers * p.concurrency)
    work = (arrivals[-1] - arrivals[0] + latency) if arrivals else 0.0
    return {
        "workers": workers,
        "concurrency": p.concurrency,
        "keys": keys,
        "llm_calls": len(arrivals),
        "done": done,
        "wall_s": round(wall, 3),
        "ideal_s": round(ideal, 3),
        "ratio": round(wall / ideal, 3),
        "work_ratio": round(work / ideal, 3),
    }


async def run(ctx: BenchContext) -> Figures:
    if "postgres" not in ctx.backends:
        ctx.console.print("queue_workers: skipped (the queue needs PostgreSQL)")
        return {"skipped": "needs PostgreSQL"}
    p = QUICK if ctx.quick else FULL
    by_workers: dict[str, Any] = {}
    for n in p.workers:
        by_workers[str(n)] = await one(ctx, p, n, f"w{n}")
    rows = []
    for n, f in by_workers.items():
        rows.append((f"{n} workers: wall s", f["wall_s"], f"ideal {f['ideal_s']} s"))
        rows.append((f"{n} workers: ratio", f["ratio"], "wall / ideal (with process start)"))
        rows.append((f"{n} workers: work ratio", f["work_ratio"], "first→last call / ideal"))
        rows.append((f"{n} workers: LLM calls", f["llm_calls"], f"= keys {f['keys']}"))
    show(
        ctx,
        f"queued precompile ({p.latency_ms:g} ms latency, --concurrency {p.concurrency} each)",
        rows,
        "ideal = keys x 1 round x latency / (workers x concurrency)",
    )
    first, last = by_workers["1"], by_workers[str(p.workers[-1])]
    return {
        "latency_ms": p.latency_ms,
        "by_workers": by_workers,
        "speedup": round(first["wall_s"] / last["wall_s"], 3),
    }
