"""Queued precompile across worker processes on PostgreSQL, through the real ``openai`` SDK
against the simulated server: the catalog x 3 profiles, one worker SIGKILLed mid-run.

No correctness check depends on timing: processes are awaited as long as they take
(``HANG_GUARD_S`` only turns a hang into a failure) and the kill waits for observed states.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from benchmarks.simserver import SimServerHandle
from sqlalchemy.engine import make_url

from tests.simserver_fixture import sim_server  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
HANG_GUARD_S = 900
PROFILES = [
    {"learner_id": "ana", "current_level": "A1", "cultural_interests": ["food"]},
    {"learner_id": "ben", "current_level": "A2", "learning_goals": ["travel"]},
    {"learner_id": "chie", "current_level": "B1", "native_language": "de"},
]


def cli_env(db_url: str, sim: SimServerHandle, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONPLAN_")}
    env.update(
        LESSONPLAN_DATABASE_URL=db_url,
        LESSONPLAN_LLM="openai:gpt-4o-mini",
        OPENAI_BASE_URL=sim.base_url,
        OPENAI_API_KEY="x",
        LESSONPLAN_DB_POOL_SIZE="2",
        LESSONPLAN_DB_MAX_OVERFLOW="3",
        LESSONPLAN_DB_LOCK_POOL_MAX="4",
        # A live worker on a busy machine must not look stalled: heartbeats every second, taken
        # over after 10 s of silence.
        LESSONPLAN_WORKER_HEARTBEAT_SECONDS="1",
        LESSONPLAN_WORKER_STALLED_SECONDS="10",
        **extra,
    )
    return env


def lessonplan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonplan.cli.app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        cwd=REPO,
    )


def spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """A background process; its stderr goes to ``log`` (read it when a test fails)."""
    with log.open("w", encoding="utf-8") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "lessonplan.cli.app", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            text=True,
            cwd=REPO,
        )


def query(db_url: str, sql: str) -> list[Any]:
    dsn = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def go() -> list[Any]:
        conn = await asyncpg.connect(dsn)
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    return asyncio.run(go())


def wait_for(check: Any, what: str) -> Any:
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"never saw: {what}")


def profile_files(tmp_path: Path) -> list[str]:
    args: list[str] = []
    for profile in PROFILES:
        path = tmp_path / f"{profile['learner_id']}.json"
        path.write_text(json.dumps(profile), encoding="utf-8")
        args += ["--profile", str(path)]
    return args


def stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.postgres
@pytest.mark.slow
def test_three_workers_precompile_the_catalog_and_survive_a_sigkill(
    pg_url: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    # Plans answer at once and stages slowly, so a worker killed after the last plan is stored
    # is mid-stage: its retried jobs must hit the plan cache (no second plan call). A job's two
    # stage rounds (2 s) are the window in which the victim is seen mid-stage after the last
    # plan is stored: wide enough for the poll below on a busy machine.
    sim_server.configure(task_latency_ms={"plan": 0.0}, latency_ms=1000)
    env = cli_env(pg_url, sim_server)
    assert lessonplan("init", env=env).returncode == 0
    queued = lessonplan(
        "precompile", "--queue", "--lessons", *profile_files(tmp_path), "--json", env=env
    )
    assert queued.returncode == 0, queued.stderr
    run = json.loads(queued.stdout)
    descriptors = query(pg_url, "SELECT count(*) AS n FROM descriptors")[0]["n"]
    assert run["total"] == descriptors * len(PROFILES)
    assert run["pending"] == run["total"]

    workers: list[subprocess.Popen[str]] = []
    ids: list[int] = []
    try:
        for n in range(3):
            workers.append(
                spawn(
                    "worker",
                    "--concurrency",
                    "4",
                    "--name",
                    f"w{n}",
                    env=env,
                    log=tmp_path / f"w{n}.log",
                )
            )
            rows = wait_for(
                lambda n=n: (
                    (r := query(pg_url, "SELECT id FROM procrastinate_workers ORDER BY id"))
                    and len(r) > n
                    and r
                ),
                f"worker {n} registered",
            )
            ids.append(rows[n]["id"])
        victim = ids[0]

        def victim_mid_stage() -> bool:
            plans = query(pg_url, "SELECT count(*) AS n FROM plan_cache")[0]["n"]
            doing = query(
                pg_url,
                f"SELECT count(*) AS n FROM procrastinate_jobs "
                f"WHERE status = 'doing' AND worker_id = {victim}",
            )[0]["n"]
            return plans == run["total"] and doing > 0

        wait_for(victim_mid_stage, "every plan stored while the victim runs a job")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()

        def finished() -> dict[str, Any] | None:
            out = lessonplan("precompile", "status", run["run_id"], "--json", env=env)
            assert out.returncode == 0, out.stderr
            status: dict[str, Any] = json.loads(out.stdout)
            return status if status["finished"] else None

        status = wait_for(finished, "the run finished")
    finally:
        stop(workers)

    assert status["done"] == run["total"], status
    assert status["failed"] == 0 and status["cancelled"] == 0
    retried = query(pg_url, "SELECT count(*) AS n FROM procrastinate_jobs WHERE attempts > 0")
    assert retried[0]["n"] > 0  # the victim's jobs were taken over by another worker
    # One plan call per unique key at the server, kill or not.
    assert sim_server.stats()["by_task"]["plan"] == run["total"]
    lessons = query(pg_url, "SELECT count(*) AS n, max(latest_version) AS v FROM lessons")[0]
    assert lessons["n"] == run["total"] and lessons["v"] == 1  # every lesson stored once

    # Re-enqueueing the finished keys is all cache hits: no LLM call at all.
    before = sim_server.stats()["requests"]
    again = json.loads(
        lessonplan(
            "precompile", "--queue", "--lessons", *profile_files(tmp_path), "--json", env=env
        ).stdout
    )
    drain = lessonplan("worker", "--until-idle", env=env)
    assert drain.returncode == 0, drain.stderr
    status = json.loads(
        lessonplan("precompile", "status", again["run_id"], "--json", env=env).stdout
    )
    assert status["done"] == run["total"] and status["cost_usd"] == 0
    assert sim_server.stats()["requests"] == before
