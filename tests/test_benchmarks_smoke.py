"""Smoke test of ``python -m benchmarks --quick``: every workload reports every figure.

Runs the benchmark as a subprocess (as a user would) and checks the JSON it writes: each
workload object with each named figure as a number, and the relations that hold on any machine
(counts, not timings). PostgreSQL figures may be ``null`` only when the run skipped PostgreSQL
(unreachable server outside CI). There is no time limit: a slow, loaded machine gets a slow
pass, not a failure; the benchmark runs in its own process group, stopped as a whole afterwards,
so no simulated server outlives the test.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hermetic import clean_environ

REPO = Path(__file__).resolve().parents[1]

FIGURES: dict[str, list[str]] = {
    "zipf": ["llm_plan_calls", "unique_keys", "hit_rate", "overhead_ms_p50", "overhead_ms_p95"],
    "stampede": ["in_process_calls", "cross_process_calls"],
    "regeneration": ["plan_calls", "wall_over_latency"],
    "critical_path": ["chain_length", "ratio", "cold_ratio", "sequential_ratio"],
    "prompt_tokens": ["compact_over_full", "compact_over_full_with_schema"],
    "output_tokens": ["saved_share", "recorded_before", "recorded_after"],
    "cached_fetch": [
        "sqlite_ratio",
        "postgres_ratio",
        "sqlite_floor_ratio",
        "postgres_floor_ratio",
        "sqlite_round_trips_per_hit",
        "postgres_round_trips_per_hit",
    ],
    "http_hit": ["ratio_1_worker", "ratio_2_workers", "round_trips_per_hit"],
    "cli_startup": ["help_ratio", "cached_plan_cpu_s", "cached_plan_ratio"],
    "memory": ["peak_rss_mb"],
    "stats_scale": ["ratio", "stats_ms_p50_small", "stats_ms_p50_large"],
    "batch_cost": ["batch_over_sync", "batch_cached_over_sync", "sync_cached_over_sync"],
    "catalog_search": [
        "import_s_large",
        "ja_level_ms_p50_small",
        "ja_level_ms_p50_large",
        "ja_level_ratio",
        "en_words_ratio",
        "topic_level_ratio",
        "miss_ratio",
    ],
}
POSTGRES_ONLY = {
    ("stampede", "cross_process_calls"),
    ("cached_fetch", "postgres_ratio"),
    ("cached_fetch", "postgres_floor_ratio"),
    ("cached_fetch", "postgres_round_trips_per_hit"),
    ("http_hit", "ratio_1_worker"),
    ("http_hit", "ratio_2_workers"),
    ("http_hit", "round_trips_per_hit"),
}
MACHINE = ["cpu", "logical_cores", "python", "os"]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _stop_group(proc: subprocess.Popen[str]) -> None:
    """Terminate the benchmark's whole process group (simulated servers, stampede workers),
    then reap the benchmark itself."""
    for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    proc.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member exists but is not ours to signal
        return True
    return True


def run_quick_benchmark(out: Path) -> tuple[subprocess.CompletedProcess[str], bool]:
    """``python -m benchmarks --quick`` in its own process group, however long it takes (no
    wall-clock limit on correctness). Whatever happens (a failure, an interrupted test run),
    every process it spawned is stopped before this returns; the flag says whether any was
    still running when the benchmark itself had exited."""
    env = {
        **clean_environ(),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)]
    proc = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    leftover = False
    try:
        stdout, stderr = proc.communicate()
        leftover = _group_alive(proc.pid)
    finally:
        _stop_group(proc)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), leftover


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    proc, leftover = run_quick_benchmark(out)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    assert not leftover, "the benchmark exited but left processes running (simulated server?)"
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
    tokens = report["prompt_tokens"]
    assert tokens["compact_over_full"] < tokens["compact_over_full_with_schema"] < 1
    cached = report["cached_fetch"]
    assert cached["sqlite_round_trips_per_hit"] <= 2
    if report["postgres"]["ran"]:
        assert cached["postgres_round_trips_per_hit"] <= 2
        assert report["http_hit"]["round_trips_per_hit"] <= 2
    assert report["memory"]["peak_rss_mb"] > 0

    batch = report["batch_cost"]
    assert batch["batch_over_sync"] == pytest.approx(0.5)  # the same tokens at half price
    assert batch["batch_cached_over_sync"] <= batch["batch_over_sync"]
    assert batch["runs"]["sync"]["llm_calls"] == batch["runs"]["batch"]["llm_calls"]
    assert batch["runs"]["batch"]["batches"] >= 3  # plans, then two rounds of stages

    for figures in report["catalog_search"]["by_backend"].values():
        assert figures["descriptors_large"] - figures["descriptors_small"] == 19_500
        # The same JF rows cycled: the query finds the same share of either catalog.
        assert figures["ja_level_matches_large"] > 30 * figures["ja_level_matches_small"] > 0
        assert figures["ja_level_matches_large"] == figures["topic_level_matches_large"]
        assert figures["miss_matches_large"] == 0


def _running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


ORPHANING_PARENT = """
import os, sys
from benchmarks.simserver import SimConfig, start_subprocess
server = start_subprocess(SimConfig())
print(server.proc.pid, flush=True)
os._exit(0)  # dies without stopping its simulated server
"""


def test_a_simulated_server_exits_with_the_process_that_started_it() -> None:
    env = {**clean_environ(), "PYTHONPATH": str(REPO)}
    parent = subprocess.run(
        [sys.executable, "-c", ORPHANING_PARENT],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the server inherits it: a pipe would keep run() waiting
        text=True,
        check=True,
    )
    pid = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 60  # a liveness bound, not a speed figure
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _running(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the simulated server outlived its parent")
