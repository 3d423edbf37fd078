"""``precompile --batch`` end to end through the real ``openai`` and ``anthropic`` SDKs against
the simulated server's Batch APIs: lessons stored, cost at the batch price, partial failures
completed by repair and retry batches, a crashed run resumed from the ``llm_batches`` journal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from benchmarks.simserver import SimServerHandle
from typer.testing import CliRunner

from lessonplan.catalog.search import CatalogQuery
from lessonplan.cli.app import app
from lessonplan.config import Settings
from lessonplan.domain.pricing import PriceTable
from lessonplan.service.batch import precompile_batch
from lessonplan.service.runtime import Runtime
from tests.simserver_fixture import sim_server  # noqa: F401

SELECT = CatalogQuery(level="A1", limit=3)
# Requests that arrive within gather_seconds of each other share a batch: generous, so a busy
# machine's slow validation of one answer does not split a round into two batches.
POLL = {"poll_seconds": 0.05, "gather_seconds": 0.5}


def _env(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sim: SimServerHandle,
    llm: str,
    db_url: str | None = None,
) -> None:
    url = db_url or f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}"
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", url)
    # Bounded pools: the PostgreSQL server is shared with the rest of the suite.
    monkeypatch.setenv("LESSONPLAN_DB_POOL_SIZE", "2")
    monkeypatch.setenv("LESSONPLAN_DB_MAX_OVERFLOW", "3")
    monkeypatch.setenv("LESSONPLAN_DB_LOCK_POOL_MAX", "4")
    monkeypatch.setenv("LESSONPLAN_LLM", llm)
    monkeypatch.setenv("OPENAI_BASE_URL", sim.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sim-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", sim.base_url.removesuffix("/v1"))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sim-key")
    monkeypatch.setenv("LESSONPLAN_LLM_RETRY_BASE_SECONDS", "0.01")


async def _lessons(rt: Runtime) -> dict[str, dict[str, str]]:
    """Every stored lesson's stage statuses, by descriptor."""
    out: dict[str, dict[str, str]] = {}
    for summary in await rt.store.list_lessons():
        lesson = await rt.store.get_lesson(lesson_id=summary.lesson_id)
        assert lesson is not None
        out[lesson.can_do_id] = {name: rec.status for name, rec in lesson.stages.items()}
    return out


async def _journaled(rt: Runtime) -> None:
    """Wait until the run has journaled the batch it sent."""
    while True:
        async with rt.store.transaction() as tx:
            if await tx.batches.list_open():
                return
        await asyncio.sleep(0.02)


async def _ledger_cost(rt: Runtime) -> float:
    """The ledger's cost; every LLM call in it was a batch item."""
    await rt.flush()
    events = await rt.store.list_events()
    calls = {e.provider for e in events if e.operation == "plan" or e.operation.startswith("stage")}
    assert calls == {f"{rt.provider.provider}-batch"}, calls
    return sum(e.cost_usd for e in events)


@pytest.mark.parametrize(
    ("llm", "model"),
    [("openai:gpt-4o-mini", "gpt-4o-mini"), ("anthropic:claude-haiku-4-5", "claude-haiku-4-5")],
)
async def test_batch_lessons_through_both_sdks_cost_half(
    llm: str,
    model: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, tmp_path, sim_server, llm)
    # No provider caching here: the ledger can then be checked against the server's plain usage.
    sim_server.configure(cache_min_tokens=10**9)
    async with await Runtime.open(Settings()) as rt:
        report = await precompile_batch(rt, select=SELECT, lessons=True, **POLL)
        lessons = await _lessons(rt)
        cost = await _ledger_cost(rt)
    assert report.failures == {}
    assert report.total == 3 and len(lessons) == 3
    assert all(set(s.values()) == {"done"} for s in lessons.values()), lessons
    stats = sim_server.stats()
    # Plans in one batch, then content/production/interaction, then comprehension (a round
    # whose answers are validated far apart on a busy machine may take a second batch).
    assert 3 <= stats["batches_created"] <= 4
    assert stats["batch_items"] == 3 * 5 == stats["requests"]
    sync = PriceTable().cost(model, stats["prompt_tokens"], stats["completion_tokens"])
    assert sync > 0
    assert cost == pytest.approx(sync / 2, rel=1e-9)


async def test_partially_failed_batch_is_completed_by_repairs(
    db_url: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite and PostgreSQL: the repair and the retry of a partial failure, then stages."""
    _env(monkeypatch, tmp_path, sim_server, "openai:gpt-4o-mini", db_url)
    # The plan batch: one item answers prose (invalid), one errors with a 500.
    sim_server.configure(script=["ok", "prose", "server_error"])
    async with await Runtime.open(Settings()) as rt:
        report = await precompile_batch(rt, select=SELECT, lessons=True, **POLL)
        lessons = await _lessons(rt)
    assert report.failures == {}
    assert report.by_source.get("repaired") == 1, report.by_source
    assert len(lessons) == 3
    assert all(set(s.values()) == {"done"} for s in lessons.values()), lessons
    first = report.batches[0]
    assert first.items == 3 and first.errored == 1
    stats = sim_server.stats()
    assert stats["by_fault"]["prose"] == 1 and stats["by_fault"]["server_error"] == 1
    # The repair and the retry went in later batches, not as synchronous calls.
    assert stats["batch_items"] == stats["requests"] == 3 * 5 + 2
    assert stats["batches_created"] > 3


async def test_expired_items_are_sent_again(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, tmp_path, sim_server, "openai:gpt-4o-mini")
    sim_server.configure(batch_expire_after=1)  # every batch answers one item, the rest expire
    async with await Runtime.open(Settings()) as rt:
        report = await precompile_batch(rt, select=CatalogQuery(level="A1", limit=2), **POLL)
    assert report.failures == {} and report.by_source == {"generated": 2}
    assert [b.status for b in report.batches] == ["ended", "ended"]
    assert [b.items for b in report.batches] == [2, 1]


async def test_a_crashed_run_resumes_polling_its_batch(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, tmp_path, sim_server, "openai:gpt-4o-mini")
    sim_server.configure(batch_latency_ms=1500)
    async with await Runtime.open(Settings()) as rt:
        run = asyncio.create_task(precompile_batch(rt, select=SELECT, **POLL))
        await _journaled(rt)
        run.cancel()  # the process dies with its batch pending at the provider
        with pytest.raises(asyncio.CancelledError):
            await run
    async with await Runtime.open(Settings()) as rt:
        report = await precompile_batch(rt, select=SELECT, **POLL)
    assert report.failures == {} and report.by_source == {"generated": 3}
    assert len(report.batches) == 1 and report.batches[0].resumed
    assert sim_server.stats()["batches_created"] == 1  # nothing sent twice


def test_batch_with_the_offline_planner_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    result = CliRunner().invoke(app, ["precompile", "--batch", "--level", "A1"])
    assert result.exit_code == 2
    assert "--batch needs an LLM with a Batch API" in result.output
    assert "Traceback" not in result.output


def test_batch_refuses_a_cost_cap_it_could_not_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    args = ["precompile", "--batch", "--level", "A1", "--max-cost-usd", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--max-cost-usd does not apply to --batch" in result.output
    assert "Traceback" not in result.output


def test_cli_batch_prints_its_batches(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, tmp_path, sim_server, "openai:gpt-4o-mini")
    result = CliRunner().invoke(app, ["precompile", "--batch", "--level", "A1", "--json"])
    assert result.exit_code == 0, result.output
    assert '"batches"' in result.output and '"items": 11' in result.output
    assert sim_server.stats()["batches_created"] == 1


async def test_a_batch_run_is_not_bounded_by_the_lock_pool(
    pg_url: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every plan key stays locked while its batch waits: on PostgreSQL the locks share one
    session, so eight descriptors with a lock pool of two still go out in ONE plan batch (with
    a connection per lock, only two plans could wait at a time)."""
    _env(monkeypatch, tmp_path, sim_server, "openai:gpt-4o-mini", pg_url)
    monkeypatch.setenv("LESSONPLAN_DB_LOCK_POOL_MAX", "2")
    async with await Runtime.open(Settings()) as rt:
        report = await precompile_batch(rt, select=CatalogQuery(limit=8), **POLL)
    assert report.failures == {}
    assert report.total == 8 and report.by_source == {"generated": 8}, report.by_source
    assert [b.items for b in report.batches] == [8]
    assert sim_server.stats()["batches_created"] == 1
