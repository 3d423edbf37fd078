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
