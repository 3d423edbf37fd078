"""Smoke test of ``python -m benchmarks --quick``: every workload reports every figure.

Runs the benchmark as a subprocess (as a user would) and checks the JSON it writes: each
workload object with each named figure as a number, and the relations that hold on any machine
(counts, not timings). PostgreSQL figures may be ``null`` only when the run skipped PostgreSQL
(unreachable server outside CI).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

FIGURES: dict[str, list[str]] = {
    "zipf": ["llm_plan_calls", "unique_keys", "hit_rate", "overhead_ms_p50", "overhead_ms_p95"],
    "stampede": ["in_process_calls", "cross_process_calls"],
    "regeneration": ["plan_calls", "wall_over_latency"],
    "critical_path": ["chain_length", "ratio", "sequential_ratio"],
    "prompt_tokens": ["compact_over_full"],
    "output_tokens": ["saved_share", "recorded_before", "recorded_after"],
    "cached_fetch": ["sqlite_ratio", "postgres_ratio"],
    "memory": ["peak_rss_mb"],
}
POSTGRES_ONLY = {("stampede", "cross_process_calls"), ("cached_fetch", "postgres_ratio")}
MACHINE = ["cpu", "logical_cores", "python", "os"]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    data: dict[str, Any] = json.loads(out.read_text())
    return data


@pytest.mark.slow
def test_every_workload_reports_every_figure(report: dict[str, Any]) -> None:
    pg_ran = bool(report["postgres"]["ran"])
    for workload, names in FIGURES.items():
        assert workload in report, f"no {workload} object"
        figures = report[workload]
        assert "error" not in figures, f"{workload} failed: {figures.get('error')}"
        for name in names:
            value = figures.get(name)
            if (workload, name) in POSTGRES_ONLY and not pg_ran:
                assert value is None, f"{workload}.{name} without PostgreSQL"
                continue
            assert is_number(value), f"{workload}.{name} = {value!r} is not a number"
    for field in MACHINE:
        assert report["machine"][field], f"machine.{field} missing"


@pytest.mark.slow
def test_counts_hold_on_any_machine(report: dict[str, Any]) -> None:
    zipf = report["zipf"]
    for backend, figures in zipf["by_backend"].items():
        assert figures["llm_plan_calls"] == figures["unique_keys"], backend
        assert 0 < figures["hit_rate"] < 1, backend
    assert zipf["llm_plan_calls"] == zipf["unique_keys"]

    stampede = report["stampede"]
    assert stampede["in_process_calls"] == 1
    assert all(f["calls"] == 1 for f in stampede["by_backend"].values())
    if report["postgres"]["ran"]:
        assert stampede["cross_process_calls"] == 1

    regeneration = report["regeneration"]
    assert all(f["plan_calls"] == 0 for f in regeneration["by_backend"].values())
    assert regeneration["plan_calls"] == 0

    critical_path = report["critical_path"]
    assert all(f["chain_length"] == 3 for f in critical_path["by_backend"].values())
    assert critical_path["chain_length"] == 3

    assert 0 < report["prompt_tokens"]["compact_over_full"] < 1
    assert report["memory"]["peak_rss_mb"] > 0
