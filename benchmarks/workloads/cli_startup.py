"""CLI start: CPU of whole processes (start included), each beside its floor, medians.

* ``lessonplan --help`` vs a two-command typer app's ``--help`` (goal ≤ 1.5×);
* a cached ``lessonplan plan JF:105 --json`` (the openai deployment, its plan in the cache: no
  SDK is imported) vs a process reading the same row with stdlib sqlite3 (goal ≤ 1 s CPU).

CPU is user + system time of the child (``RUSAGE_CHILDREN``), so a loaded machine's waiting does
not count.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from datetime import timedelta

from benchmarks.workloads.common import BenchContext, Figures, open_runtime, show
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from lessonplan.store.engine import sqlite_path

NAME = "cli_startup"
CAN_DO_ID = "JF:105"


def cpu_of(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median CPU seconds (user + system) of ``runs`` runs of ``command``."""
    cpu: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(command, env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"{command}: exit {proc.returncode}: {proc.stderr[-500:]!r}")
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpu)


async def run(ctx: BenchContext) -> Figures:
    runs = 1 if ctx.quick else 9
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    python = sys.executable
    help_cpu = cpu_of([python, "-m", "lessonplan", "--help"], env, runs)
    typer_cpu = cpu_of([python, "-m", "benchmarks.floors.typer_app", "--help"], env, runs)
    async with ctx.database("sqlite") as url:
        rt, _ = await open_runtime(url)  # the openai deployment; the sim server makes the plan
        try:
            ctx.configure_sim(0)
            descriptor = await rt.store.get_descriptor(uid=CAN_DO_ID)
            assert descriptor is not None
            inputs = PlanInputs(descriptor, LearnerProfile.anonymous(), PrelessonKit())
            await get_plan(rt, inputs)
            key_hash = plan_key(rt, inputs, rt.provider).key_hash
            await rt.store.cache_put(
                key=plan_key(rt, inputs, rt.provider),
                plan=(await get_plan(rt, inputs)).plan,
                source="generated",
                plan_version=None,
                now=rt.now(),
                ttl=timedelta(hours=24),
            )
        finally:
            await rt.close()
        plan_env = {**env, "LESSONPLAN_DATABASE_URL": url}
        plan_cmd = [python, "-m", "lessonplan", "plan", CAN_DO_ID, "--json"]
        plan_cpu = cpu_of(plan_cmd, plan_env, runs)
        floor_cmd = [python, "-m", "benchmarks.floors.sqlite_read", str(sqlite_path(url)), key_hash]
        floor_cpu = cpu_of(floor_cmd, env, runs)
    figures: Figures = {
        "runs": runs,
        "help_cpu_s": round(help_cpu, 3),
        "typer_help_cpu_s": round(typer_cpu, 3),
        "help_ratio": round(help_cpu / typer_cpu, 3),
        "cached_plan_cpu_s": round(plan_cpu, 3),
        "sqlite_read_cpu_s": round(floor_cpu, 3),
        "cached_plan_ratio": round(plan_cpu / floor_cpu, 2),
    }
    show(
        ctx,
        f"[cli_startup] CPU per process, start included (median of {runs})",
        [
            ("lessonplan --help (s)", figures["help_cpu_s"], ""),
            ("floor: two-command typer app --help (s)", figures["typer_help_cpu_s"], ""),
            ("--help / floor", figures["help_ratio"], "goal ≤ 1.5"),
            ("cached lessonplan plan JF:105 --json (s)", figures["cached_plan_cpu_s"], "goal ≤ 1"),
            ("floor: stdlib sqlite3 reading the row (s)", figures["sqlite_read_cpu_s"], ""),
            ("cached plan / floor", figures["cached_plan_ratio"], ""),
        ],
    )
    return figures
