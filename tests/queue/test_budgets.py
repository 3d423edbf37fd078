"""Budgets and estimates: ``--dry-run``, ``--max-cost-usd`` (in process and queued),
``LESSONPLAN_DAILY_BUDGET_USD`` (a problem+json 429), and a run's status over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.simserver import SimServerHandle
from typer.testing import CliRunner

from lessonplan.api.app import create_app
from lessonplan.cli.app import app
from lessonplan.config import Settings, get_settings
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.providers.factory import make_provider
from lessonplan.queue.app import ensure_queue_schema, make_app, run_worker
from lessonplan.service.budget import spent_today
from lessonplan.service.precompile_queue import enqueue_run, plan_jobs, run_status
from lessonplan.service.runtime import Runtime
from tests.api.helpers import API, CAN_DO, api_settings, assert_problem, serve
from tests.simserver_fixture import sim_openai_env, sim_server  # noqa: F401

PRICED = json.dumps({"priced": {"input": 333.3, "output": 777.7}})  # dollars per plan


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    get_settings.cache_clear()
    return tmp_path


def test_dry_run_counts_jobs_calls_tokens_and_cost(
    sqlite_env: Path,
    sim_openai_env: SimServerHandle,  # noqa: F811
) -> None:
    code, out, _ = cli(
        "precompile", "--level", "A1", "--dry-run", "--llm", "openai:gpt-4o-mini", "--json"
    )
    assert code == 0
    estimate = json.loads(out)
    assert estimate["jobs"] == 11 and estimate["cache_hits"] == 0
    assert estimate["expected_llm_calls"] == 11
    assert estimate["estimated_prompt_tokens"] > 11 * 300
    sync, batch = estimate["estimated_cost_usd"]["sync"], estimate["estimated_cost_usd"]["batch"]
    assert sync > 0 and batch == pytest.approx(sync / 2, rel=1e-3)
    assert sim_openai_env.stats()["requests"] == 0  # a dry run calls nothing

    # After two plans are cached, the estimate drops by those two.
    assert cli("plan", "JF:105", "--llm", "openai:gpt-4o-mini")[0] == 0
    assert cli("plan", "JF:106", "--llm", "openai:gpt-4o-mini")[0] == 0
    again = json.loads(
        cli("precompile", "--level", "A1", "--dry-run", "--llm", "openai:gpt-4o-mini", "--json")[1]
    )
    assert again["cache_hits"] == 2 and again["expected_llm_calls"] == 9
    assert again["estimated_prompt_tokens"] < estimate["estimated_prompt_tokens"]


def test_dry_run_with_lessons_estimates_the_stage_calls_too(
    sqlite_env: Path,
    sim_openai_env: SimServerHandle,  # noqa: F811
) -> None:
    def dry(*extra: str) -> dict:
        code, out, _ = cli(
            "precompile",
            "--level",
            "A1",
            "--dry-run",
            "--llm",
            "openai:gpt-4o-mini",
            "--json",
            *extra,
        )
        assert code == 0
        found: dict = json.loads(out)
        return found

    plans, lessons = dry(), dry("--lessons")
    assert lessons["plan_calls"] == plans["plan_calls"] == 11
    assert lessons["stage_calls"] == 11 * 4
    # four stage prompts (each carrying the plan, the content for three) outweigh the plan's
    assert lessons["estimated_prompt_tokens"] > 4 * plans["estimated_prompt_tokens"]
    assert lessons["estimated_completion_tokens"] > 2 * plans["estimated_completion_tokens"]
    assert lessons["estimated_cost_usd"]["sync"] > 3 * plans["estimated_cost_usd"]["sync"]

    # a lesson already stored costs nothing more: its stage calls drop out of the estimate
    assert cli("compile", "JF:105", "--llm", "openai:gpt-4o-mini")[0] == 0
    again = dry("--lessons")
    assert again["stage_calls"] == 10 * 4 and again["plan_calls"] == 10
    assert sim_openai_env.stats()["requests"] == 5  # the compile's calls; a dry run makes none


def test_in_process_max_cost_stops_and_says_so(
    sqlite_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONPLAN_PRICE_TABLE", PRICED)
    get_settings.cache_clear()
    code, out, err = cli(
        "precompile",
        "--level",
        "A1",
        "--concurrency",
        "1",
        "--llm",
        "fake:priced",
        "--max-cost-usd",
        "0.01",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["by_source"] == {"generated": 1, "cancelled": 10}
    assert report["stopped_reason"].startswith("--max-cost-usd 0.01 reached")


def test_queue_without_postgres_says_why_and_runs_in_process(sqlite_env: Path) -> None:
    code, out, err = cli("precompile", "--level", "A1", "--queue", "--json")
    assert code == 0
    assert "queue unavailable: the queue needs PostgreSQL" in err
    assert json.loads(out)["by_source"] == {"offline": 11}
    code, _, err = cli("worker")
    assert code == 2 and "the queue needs PostgreSQL" in err


def test_status_of_an_unknown_run_is_bad_input(sqlite_env: Path) -> None:
    code, _, err = cli("precompile", "status", "run_nope")
    assert code == 2 and "unknown precompile run 'run_nope'" in err


@pytest.mark.postgres
async def test_queued_max_cost_cancels_pending_jobs(pg_url: str) -> None:
    settings = Settings(
        database_url=pg_url,
        llm="fake:priced",
        price_table=PRICED,
        db_pool_size=2,
        db_max_overflow=2,
        db_lock_pool_max=2,
    )
    rt = await Runtime.open(settings, provider=make_provider("fake:priced", settings=settings))
    try:
        jobs = await plan_jobs(
            rt,
            level="A1",
            select=None,
            profiles=[LearnerProfile.anonymous()],
            kit=PrelessonKit(),
            lessons=False,
        )
        await ensure_queue_schema(pg_url)
        queue = make_app(pg_url, pool_max=2)
        async with queue.open_async():
            queued = await enqueue_run(rt, queue, jobs, lessons=False, max_cost_usd=0.01)
        assert queued.counts == {"pending": 11}
        await run_worker(rt, concurrency=1, until_idle=True)
        status = await run_status(rt, queued.run_id)
        assert status.counts == {"done": 1, "cancelled": 10}
        # The run's ledger is the cost the events recorded (stats round to 6 places).
        assert status.cost_usd == pytest.approx(await spent_today(rt), abs=1e-6)
        assert status.cost_usd >= 0.01 and status.cost_usd != round(status.cost_usd)
        assert status.stopped_reason is not None and "0.01 reached" in status.stopped_reason

        async with serve(create_app(runtime=rt)) as client:
            response = await client.get(f"{API}/precompile/{queued.run_id}")
            assert response.status_code == 200
            body = response.json()
            assert (body["done"], body["cancelled"], body["pending"]) == (1, 10, 0)
            assert body["finished"] is True
            assert_problem(await client.get(f"{API}/precompile/run_nope"), 404, "unknown_run")
    finally:
        await rt.close()


async def test_daily_budget_is_a_429_problem_once_spent(tmp_path: Path) -> None:
    settings = api_settings(tmp_path, price_table=PRICED, daily_budget_usd=0.01)
    rt = await Runtime.open(settings, provider=make_provider("fake:priced", settings=settings))
    try:
        async with serve(create_app(runtime=rt)) as client:
            first = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
            assert first.status_code == 200
            second = await client.post(f"{API}/cando/JF:106/compile", json={})
            problem = assert_problem(second, 429, "daily_budget_exceeded")
            assert "LESSONPLAN_DAILY_BUDGET_USD" in problem["detail"]
            assert 0 < int(second.headers["Retry-After"]) <= 86400
            assert (await client.get(f"{API}/stats")).status_code == 200  # reads still work
    finally:
        await rt.close()
