"""What one queued precompile job does: a plan (or lesson) for one key, recorded in its run."""

from __future__ import annotations

from typing import Any

from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import error_type
from lessonplan.service.runtime import Runtime


async def run_job(
    rt: Runtime,
    *,
    attempt: int,
    run_id: str,
    job_key: str,
    can_do_id: str,
    profile: dict[str, Any],
    kit: dict[str, Any],
    lessons: bool = False,
) -> dict[str, Any]:
    from lessonplan.queue.app import RETRY
    from lessonplan.service.precompile import compile_one

    async with rt.store.transaction() as tx:
        if not await tx.runs.is_pending(run_id=run_id, job_key=job_key):
            return {"skipped": True}  # cancelled by a budget, or finished by another run's job
    learner = LearnerProfile.model_validate(profile)
    lesson_kit = PrelessonKit.model_validate(kit)
    try:
        source, cost = await compile_one(rt, can_do_id, learner, lesson_kit, lessons=lessons)
        state, error = "done", None
    except Exception as exc:  # a job must end in our table, whatever it raised
        transient = isinstance(exc, tuple(RETRY.retry_exceptions or ()))
        if transient and attempt + 1 < (RETRY.max_attempts or 1):
            raise  # procrastinate retries it with backoff (RETRY's exceptions)
        source, cost, state, error = "error", 0.0, "failed", f"{error_type(exc)}: {exc}"
    await rt.flush()
    async with rt.store.transaction() as tx:
        await tx.runs.finish_key(
            job_key=job_key,
            run_id=run_id,
            state=state,
            source=source,
            cost_usd=cost,
            error=error,
            now=rt.now(),
        )
    return {"source": source, "cost_usd": cost, "state": state}


async def run_batch_job(
    rt: Runtime,
    *,
    attempt: int,
    run_id: str,
    keys: list[list[str]],
    profile: dict[str, Any],
    kit: dict[str, Any],
    lessons: bool = False,
) -> dict[str, Any]:
    """A whole ``precompile --batch`` selection as one job: it sends the batches, polls them
    while the provider works, ingests the answers and finishes each key of the run. A worker
    that dies while a batch is pending leaves the job to another worker, whose run finds the
    journaled batch by its custom_ids and resumes polling it (nothing is sent twice)."""
    from lessonplan.queue.app import RETRY
    from lessonplan.service.batch import precompile_batch

    async with rt.store.transaction() as tx:
        pending = [
            (job_key, uid)
            for job_key, uid in keys
            if await tx.runs.is_pending(run_id=run_id, job_key=job_key)
        ]
    if not pending:
        return {"skipped": True}
    learner = LearnerProfile.model_validate(profile)
    lesson_kit = PrelessonKit.model_validate(kit)
    try:
        report = await precompile_batch(
            rt,
            uids=[uid for _, uid in pending],
            profile=learner,
            kit=lesson_kit,
            lessons=lessons,
            poll_seconds=rt.settings.batch_poll_seconds,
        )
    except Exception as exc:
        transient = isinstance(exc, tuple(RETRY.retry_exceptions or ()))
        if transient and attempt + 1 < (RETRY.max_attempts or 1):
            raise
        report = None
        failure = f"{error_type(exc)}: {exc}"
    await rt.flush()
    async with rt.store.transaction() as tx:
        for job_key, uid in pending:
            error = report.failures.get(uid) if report is not None else failure
            await tx.runs.finish_key(
                job_key=job_key,
                run_id=run_id,
                state="failed" if error else "done",
                source=report.sources.get(uid, "error") if report is not None else "error",
                cost_usd=report.costs.get(uid, 0.0) if report is not None else 0.0,
                error=error,
                now=rt.now(),
            )
    done = 0 if report is None else len(pending) - len(report.failures)
    return {"keys": len(pending), "done": done}
