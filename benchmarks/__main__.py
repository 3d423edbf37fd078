"""``python -m benchmarks [--quick] [--json FILE] [--only NAME,...] [--backend B]``

``B`` is ``sqlite``, ``postgres`` or ``both`` (the default). Cost, speed and scale of lessonplan
measured side by side, through the real ``openai`` SDK
against the simulated OpenAI-compatible server (a child process, fixed latency per call), on
SQLite and PostgreSQL. Every figure is a count or a ratio measured within this one run; absolute
times depend on the machine (printed first, and stored under ``machine``).

PostgreSQL: ``--pg-url`` / ``LESSONPLAN_BENCH_PG_URL`` / ``LESSONPLAN_TEST_PG_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) is a maintenance connection; each workload
creates its own ``lp_bench_<hex>`` database and drops it afterwards. When the server is
unreachable and the backend is ``both``, PostgreSQL is skipped with a note (an error with
``CI=true``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.workloads import WORKLOADS, load
from benchmarks.workloads.common import (
    LLM_SPEC,
    BenchContext,
    machine_info,
    percentile,
    pg_maintenance_url,
    pg_probe,
    start_sim,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[2]
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of seconds")
    parser.add_argument("--json", dest="json_path", type=Path, help="write the figures here")
    parser.add_argument("--only", help=f"comma list of workloads ({', '.join(WORKLOADS)})")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", help="PostgreSQL maintenance URL (postgresql+asyncpg://...)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the cached fetch's service path"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in (args.only or "").split(",") if n.strip()] or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}"
        )
    args.names = [n for n in WORKLOADS if n in names]
    return args


async def resolve_postgres(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """The backends of this run and what happened to PostgreSQL."""
    if args.backend == "sqlite":
        return ["sqlite"], {"ran": False, "note": "not selected (--backend sqlite)"}
    url = args.pg_url or pg_maintenance_url()
    version, reason = await pg_probe(url)
    if version is not None:
        backends = ["postgres"] if args.backend == "postgres" else ["sqlite", "postgres"]
        return backends, {"ran": True, "url": url, "version": version}
    message = f"PostgreSQL unreachable at {url}: {reason}"
    if args.backend == "postgres" or os.environ.get("CI", "").lower() == "true":
        raise SystemExit(f"error: {message}")
    print(f"note: {message} -- PostgreSQL parts skipped", file=sys.stderr)
    return ["sqlite"], {"ran": False, "note": message}


async def calibrate(ctx: BenchContext) -> dict[str, Any]:
    """The simulated server's own cost: an SDK plan call at zero simulated latency (p50)."""
    from lessonplan.domain.models import LearnerProfile, PrelessonKit
    from lessonplan.planners.offline import load_catalog
    from lessonplan.prompts.planner import build_planner_request
    from lessonplan.providers.factory import make_provider

    provider = make_provider(LLM_SPEC)
    request = build_planner_request(
        load_catalog()[0],
        LearnerProfile(learner_id="calibration"),
        PrelessonKit(),
        variant="compact",
    )
    ctx.configure_sim(0)
    times = []
    try:
        for _ in range(25):
            started = time.perf_counter()
            await provider.complete(request)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await provider.aclose()
    return {"sdk_plan_call_ms_p50_at_zero_latency": round(percentile(times[5:], 50), 3)}


async def amain(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    backends, pg = await resolve_postgres(args)
    sim = start_sim()
    os.environ.update(
        {"OPENAI_BASE_URL": sim.base_url, "OPENAI_API_KEY": "bench-key", "LESSONPLAN_LLM": LLM_SPEC}
    )
    results: dict[str, Any] = {}
    failed: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="lp_bench_") as tmp:
            ctx = BenchContext(
                quick=args.quick,
                backends=backends,
                sim=sim,
                tmpdir=Path(tmp),
                pg_url=pg.get("url"),
            )
            ctx.shared["profile"] = args.profile
            machine = machine_info(pg.get("version"))
            ctx.console.print(
                f"[bold]lessonplan benchmarks[/bold] ({'quick' if args.quick else 'full'}) — "
                f"{machine['cpu']}, {machine['logical_cores']} cores, Python {machine['python']}, "
                f"{machine['os']}; SQLite {machine['sqlite']}, PostgreSQL {machine['postgres']}"
            )
            ctx.console.print(
                f"backends: {', '.join(backends)}; LLM {LLM_SPEC} at {sim.base_url}\n"
            )
            calibration = await calibrate(ctx)
            for name in args.names:
                t0 = time.perf_counter()
                try:
                    figures = await load(name)(ctx)
                except Exception as exc:  # one failing workload must not hide the others
                    traceback.print_exc()
                    figures = {"error": f"{type(exc).__name__}: {exc}"}
                    failed.append(name)
                figures["seconds"] = round(time.perf_counter() - t0, 2)
                results[name] = figures
    finally:
        sim.stop()
    total = round(time.perf_counter() - started, 2)
    report = {
        "mode": "quick" if args.quick else "full",
        "machine": machine,
        "backends": backends,
        "postgres": pg,
        "calibration": calibration,
        **results,
        "total_seconds": total,
    }
    if args.json_path is not None:
        args.json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"total: {total} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(amain(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
