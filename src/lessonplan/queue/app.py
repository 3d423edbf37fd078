"""The procrastinate app: one task, ``lessonplan.precompile_key``, one job per plan key.

Jobs carry ``queueing_lock`` and ``lock`` = the job key, so at most one job per key is queued and
one runs. A job is idempotent: it goes through the plan cache (single-flight across processes), so
re-running a finished key is a cache hit and never a second LLM call. Transient provider and
store errors are retried with exponential backoff by procrastinate; a worker killed with ``-9``
leaves its jobs in ``doing`` with a silent heartbeat, and every other worker's
:func:`recover_stalled` loop puts them back in the queue.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from sqlalchemy.engine import make_url

from lessonplan.errors import (
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    StoreUnavailableError,
)

TASK_NAME = "lessonplan.precompile_key"
BATCH_TASK_NAME = "lessonplan.precompile_batch"
QUEUE = "precompile"
SCHEMA_LOCK = 0x1E55_0A12  # advisory lock id while procrastinate's schema is applied

log = logging.getLogger(__name__)

RETRY = RetryStrategy(
    max_attempts=5,
    exponential_wait=2,
    retry_exceptions={
        ProviderTimeoutError,
        ProviderUnavailableError,
        RateLimitedError,
        StoreUnavailableError,
    },
)


def conninfo(database_url: str) -> str:
    """The libpq URL procrastinate's psycopg connector wants, from our SQLAlchemy URL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the queue needs PostgreSQL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(database_url: str, *, pool_max: int = 4) -> App:
    """The app with our task registered; ``open_async()`` it before use."""
    from lessonplan.queue.task import run_batch_job, run_job

    connector = PsycopgConnector(conninfo=conninfo(database_url), min_size=1, max_size=pool_max)
    app = App(connector=connector)
    app.task(name=TASK_NAME, queue=QUEUE, retry=RETRY, pass_context=True)(_task(run_job))
    app.task(name=BATCH_TASK_NAME, queue=QUEUE, retry=RETRY, pass_context=True)(
        _task(run_batch_job)
    )
    return app


def _task(run_job: Any) -> Any:
    async def precompile_key(context: JobContext, **job: Any) -> dict[str, Any]:
        from lessonplan.service.precompile_queue import enforce_budget

        extra = context.additional_context or {}
        rt = extra["runtime"]
        result: dict[str, Any] = await run_job(rt, attempt=context.job.attempts, **job)
        await enforce_budget(rt, extra["app"], job["run_id"])
        return result

    return precompile_key


async def ensure_queue_schema(database_url: str) -> None:
    """Apply procrastinate's schema once, in one transaction under an advisory lock, so
    concurrent first uses by several processes do not race."""
    import psycopg
    from procrastinate.schema import SchemaManager

    conn = await psycopg.AsyncConnection.connect(conninfo(database_url))
    async with conn, conn.transaction():
        await conn.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        cur = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        row = await cur.fetchone()
        if not (row and row[0]):
            await conn.execute(SchemaManager.get_schema())


async def recover_stalled(app: App, *, stalled_seconds: float, every: float) -> None:
    """Forever: jobs left ``doing`` by a worker whose heartbeat stopped go back in the queue."""
    while True:
        await asyncio.sleep(every)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=stalled_seconds
            )
            for job in stalled:
                log.warning("retrying job %s of a stalled worker", job.id)
                await app.job_manager.retry_job(job)
        except Exception:  # the next round tries again; a worker must not die of this
            log.exception("stalled-job recovery failed")


async def run_worker(
    rt: Any, *, concurrency: int = 4, until_idle: bool = False, name: str | None = None
) -> None:
    """Run a worker on ``rt``'s PostgreSQL until cancelled (or, ``until_idle``, until the queue
    is empty), recovering the jobs of stalled workers meanwhile."""
    from lessonplan.domain.lesson import CONTENT_READERS

    settings = rt.settings
    await ensure_queue_schema(settings.database_url)
    rt.ensure_llm_capacity(concurrency * len(CONTENT_READERS))
    app = make_app(settings.database_url, pool_max=concurrency + 3)
    async with app.open_async():
        recovery = asyncio.create_task(
            recover_stalled(
                app,
                stalled_seconds=settings.worker_stalled_seconds,
                every=max(0.5, settings.worker_heartbeat_seconds),
            )
        )
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                name=name or "worker",
                wait=not until_idle,
                additional_context={"runtime": rt, "app": app},
                install_signal_handlers=False,
                update_heartbeat_interval=settings.worker_heartbeat_seconds,
                stalled_worker_timeout=settings.worker_stalled_seconds,
                fetch_job_polling_interval=1.0,
                abort_job_polling_interval=5.0,
            )
        finally:
            recovery.cancel()
            await asyncio.gather(recovery, return_exceptions=True)
