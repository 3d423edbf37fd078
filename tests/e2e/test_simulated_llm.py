"""End to end through the real ``openai`` SDK against the project's simulated server.

No correctness check depends on timing: processes are awaited for as long as they take (the
``HANG_GUARD_S`` bound only turns a hung process into a failure instead of a hung suite), and a
test that must act mid-call waits for the server to report the call.
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

import pytest
from benchmarks.simserver import SimServerHandle
from typer.testing import CliRunner

from lessonplan.cli.app import app
from lessonplan.config import get_settings
from lessonplan.store import GenerationEvent, Store
from tests.conftest import TEST_POOL
from tests.simserver_fixture import sim_openai_env, sim_server  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
HANG_GUARD_S = 900


def _env(db_url: str, sim: SimServerHandle, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONPLAN_")}
    env.update(
        LESSONPLAN_DATABASE_URL=db_url,
        LESSONPLAN_LLM="openai:gpt-4o-mini",
        OPENAI_BASE_URL=sim.base_url,
        OPENAI_API_KEY="x",
        # Bounded pools: the PostgreSQL server is shared with the rest of the suite.
        LESSONPLAN_DB_POOL_SIZE="2",
        LESSONPLAN_DB_MAX_OVERFLOW="3",
        LESSONPLAN_DB_LOCK_POOL_MAX="4",
        **extra,
    )
    return env


def test_compile_json_against_the_simulated_server(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    """The issue's command, as a user runs it: a separate process, the real SDK, loopback."""
    db = f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "lessonplan.cli.app", "compile", "JF:105", "--json"],
        env=_env(db, sim_server),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"] == "generated"
    assert data["status"] == "complete"
    assert data["lesson"]["plan"]["uid"] == "JF:105"
    stats = sim_server.stats()
    assert stats["requests"] == 5
    assert stats["by_task"] == {
        "plan": 1,
        "content": 1,
        "comprehension": 1,
        "production": 1,
        "interaction": 1,
    }


@pytest.fixture
def cli_env(tmp_path: Path, sim_openai_env: SimServerHandle, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    monkeypatch.setenv("LESSONPLAN_LLM", "openai:gpt-4o-mini")
    monkeypatch.setenv("LESSONPLAN_LLM_RETRY_BASE_SECONDS", "0.01")
    get_settings.cache_clear()
    yield sim_openai_env
    get_settings.cache_clear()


def stored_events(url: str) -> list[GenerationEvent]:
    async def read() -> list[GenerationEvent]:
        store = await Store.open(url, **TEST_POOL)
        try:
            return await store.list_events()
        finally:
            await store.close()

    return asyncio.run(read())


def stored_calls(url: str) -> list[GenerationEvent]:
    """The events of upstream LLM calls (plan and stage attempts)."""
    return [
        e for e in stored_events(url) if e.operation == "plan" or e.operation.startswith("stage:")
    ]


def cli_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_regenerating_each_stage_makes_no_plan_call_at_the_server(
    cli_env: SimServerHandle,
) -> None:
    sim = cli_env
    compiled = cli_json("compile", "JF:106")
    assert sim.stats()["by_task"]["plan"] == 1
    for number, stage in enumerate(("content", "comprehension", "production", "interaction")):
        before = sim.stats()["by_task"]
        result = cli_json("regenerate", compiled["lesson_id"], "--stage", stage)
        after = sim.stats()["by_task"]
        assert result["plan_source"] == "reused" and result["version"] == number + 2
        assert after.get("plan") == before.get("plan") == 1
        diff = {t: after[t] - before.get(t, 0) for t in after if after[t] != before.get(t, 0)}
        assert diff == {stage: 1}


def test_stats_agree_with_the_event_log_and_the_server(cli_env: SimServerHandle) -> None:
    sim = cli_env
    # The plan call meets a 429 (retried), then one stage call gets prose (repaired).
    sim.configure(script=["rate_limit", "ok", "prose"])
    first = cli_json("compile", "JF:105")
    cli_json("compile", "JF:105")  # plan from the cache
    cli_json("plan", "JF:106")
    cli_json("regenerate", first["lesson_id"], "--stage", "production")

    stats = cli_json("stats")
    server = sim.stats()
    assert stats["llm_calls"] == server["requests"]
    assert stats["llm_plan_calls"] == server["by_task"]["plan"] == 3
    assert stats["prompt_tokens"] == server["prompt_tokens"]
    assert stats["completion_tokens"] == server["completion_tokens"]
    assert stats["plan_requests"] == 4  # two compiles, one plan, one reuse
    assert stats["plan_requests_by_source"] == {"cache": 1, "generated": 2, "reused": 1}
    assert stats["plan_reuses"] == 1
    assert stats["hit_rate"] == round(1 / 3, 4)
    assert stats["errors_by_type"].get("rate_limited") == 1
    assert stats["llm_calls_by_outcome"]["invalid_output"] == 1
    assert stats["cost_usd"] > 0 and stats["cost_saved_usd"] > 0

    # The same figures from the raw event log.
    log = stored_events(os.environ["LESSONPLAN_DATABASE_URL"])
    calls = [e for e in log if e.operation == "plan" or e.operation.startswith("stage:")]
    assert len(calls) == stats["llm_calls"]
    assert sum(e.prompt_tokens for e in calls) == stats["prompt_tokens"]
    assert round(sum(e.cost_usd for e in calls), 6) == stats["cost_usd"]


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_share_one_generation_on_postgres(
    pg_url: str,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    sim_server.configure(latency_ms=1500)
    env = _env(pg_url, sim_server)
    # Migrate and seed once so both workers start on equal terms.
    subprocess.run(
        [sys.executable, "-m", "lessonplan.cli.app", "init"],
        env=env,
        check=True,
        capture_output=True,
        timeout=HANG_GUARD_S,
        cwd=REPO,
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.stampede_worker", "25", "JF:105"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for _ in range(2)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=HANG_GUARD_S)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out))
    sources = [s for out in outputs for s in out]
    assert len(sources) == 50
    assert sim_server.stats()["by_task"] == {"plan": 1}
    assert sources.count("generated") == 25  # one process's leader and its 24 joined waiters
    assert sources.count("cache") == 25  # the other process waited on the lock, then hit


def test_sigterm_mid_call_still_stores_every_upstream_call(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    """SIGTERM while the plan call is at the server: the process closes its runtime, so the
    call's event (outcome ``cancelled``) is written, and it exits 143 with one line."""
    sim_server.configure(script=["timeout"], timeout_seconds=3600)
    db = f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}"
    env = _env(db, sim_server, LESSONPLAN_LLM_TIMEOUT_SECONDS="3600")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lessonplan.cli.app", "compile", "JF:105", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        while sim_server.stats()["requests"] < 1:  # the plan call has reached the server
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == ["error: terminated"]
    calls = stored_calls(db)
    assert len(calls) == sim_server.stats()["requests"] == 1
    assert [c.outcome for c in calls] == ["cancelled"]


@pytest.mark.postgres
def test_concurrent_cli_processes_store_one_event_per_upstream_call(
    pg_url: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    """Several CLI processes at once on PostgreSQL, each closing while its last events are
    buffered: every upstream call the server saw is in the event log, and no more."""
    env = _env(pg_url, sim_server)
    subprocess.run(
        [sys.executable, "-m", "lessonplan.cli.app", "init"],
        env=env,
        check=True,
        capture_output=True,
        timeout=HANG_GUARD_S,
        cwd=REPO,
    )
    uids = ["JF:105", "JF:106", "JF:105", "JF:106"]
    # Each process writes to its own file: a pipe read one process after another would leave
    # the others blocked writing a lesson larger than the pipe's buffer.
    outputs = [tmp_path / f"compile_{n}.out" for n in range(len(uids))]
    procs = []
    for uid, output in zip(uids, outputs, strict=True):
        with output.open("w") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "lessonplan.cli.app", "compile", uid, "--json"],
                    env={**env, "LESSONPLAN_METALANGUAGE": "en"},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    text=True,
                    cwd=REPO,
                )
            )
    for proc, output in zip(procs, outputs, strict=True):
        proc.wait(timeout=HANG_GUARD_S)
        assert proc.returncode == 0, output.read_text()
    server = sim_server.stats()
    calls = stored_calls(pg_url)
    assert len(calls) == server["requests"]
    assert sum(c.prompt_tokens for c in calls) == server["prompt_tokens"]
