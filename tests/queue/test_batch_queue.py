"""``precompile --queue --batch`` on PostgreSQL: one job for the whole selection, which a worker
runs: it sends the plan batch through the real SDK, polls it, ingests the answers and finishes
every key of the run at the batch price."""

from __future__ import annotations

import pytest
from benchmarks.simserver import SimServerHandle

from lessonplan.config import Settings
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.domain.pricing import PriceTable
from lessonplan.queue.app import ensure_queue_schema, make_app, run_worker
from lessonplan.service.precompile_queue import enqueue_batch_run, plan_jobs, run_status
from lessonplan.service.runtime import Runtime
from tests.simserver_fixture import sim_server  # noqa: F401


async def test_a_queued_batch_run_is_sent_polled_and_finished_by_a_worker(
    pg_url: str,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sim-key")
    sim_server.configure(cache_min_tokens=10**9)  # plain usage, to check the ledger against
    settings = Settings(
        database_url=pg_url,
        llm="openai:gpt-4o-mini",
        db_pool_size=2,
        db_max_overflow=2,
        db_lock_pool_max=2,
        batch_poll_seconds=0.05,
        llm_retry_base_seconds=0.01,
    )
    async with await Runtime.open(settings) as rt:
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
            queued = await enqueue_batch_run(rt, queue, jobs, lessons=False)
            again = await enqueue_batch_run(rt, queue, jobs, lessons=False)
        assert queued.counts == {"pending": len(jobs)} and len(jobs) == 11
        assert sim_server.stats()["requests"] == 0  # nothing is sent until a worker runs it

        await run_worker(rt, concurrency=1, until_idle=True)
        status = await run_status(rt, queued.run_id)
        second = await run_status(rt, again.run_id)

    assert status.counts == {"done": 11}, status
    assert second.counts == {"done": 11}  # the same selection queued twice: one job did both
    stats = sim_server.stats()
    assert stats["batches_created"] == 1 and stats["batch_items"] == 11 == stats["requests"]
    sync = PriceTable().cost("gpt-4o-mini", stats["prompt_tokens"], stats["completion_tokens"])
    assert status.cost_usd == pytest.approx(sync / 2, rel=1e-6)
    assert second.cost_usd == 0.0
