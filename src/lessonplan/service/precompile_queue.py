"""Queued precompile: enqueue a run (one job per plan key), read its status, stop it at a budget;
and the dry run that estimates a precompile before anything is spent.

Only :func:`enqueue_run` and :func:`cancel_run` touch procrastinate; status is read from our own
``precompile_runs``/``precompile_jobs`` tables, so the HTTP service needs no queue connection.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.lesson import CONTENT_READERS
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import BadInputError, ConfigurationError, UsageError
from lessonplan.service.plans import PlanInputs, plan_key, require_planner_language
from lessonplan.service.precompile import budget_reason, selected_descriptors
from lessonplan.service.runtime import Runtime
from lessonplan.store.repos.runs import RunStatus

if TYPE_CHECKING:
    from procrastinate import App

BATCH_DISCOUNT = 0.5  # OpenAI Batch and Anthropic Message Batches bill half the sync price


class UnknownRunError(UsageError):
    code = "unknown_run"
    http_status = 404


def queue_unavailable_reason(rt: Runtime) -> str | None:
    """Why ``--queue`` cannot be used here (None: it can)."""
    if rt.store.dialect != "postgresql":
        return (
            "the queue needs PostgreSQL (LESSONPLAN_DATABASE_URL is "
            f"{rt.store.dialect}); running in process instead"
        )
    return None


@dataclass(frozen=True)
class Job:
    job_key: str
    can_do_id: str
    profile: LearnerProfile
    kit: PrelessonKit


async def plan_jobs(
    rt: Runtime,
    *,
    level: str | None,
    select: CatalogQuery | None,
    profiles: list[LearnerProfile],
    kit: PrelessonKit,
    lessons: bool,
) -> list[Job]:
    """One job per (descriptor, profile, kit), keyed by the plan's cache key (deduplicated)."""
    descriptors = await selected_descriptors(rt, level=level, select=select)
    jobs: dict[str, Job] = {}
    for profile in profiles:
        for descriptor in descriptors:
            key = plan_key(
                rt, PlanInputs(descriptor, profile, kit, rt.settings.metalanguage), rt.provider
            ).key_hash
            job_key = f"{key}:lesson" if lessons else key
            jobs.setdefault(job_key, Job(job_key, descriptor.uid, profile, kit))
    return list(jobs.values())


def new_run_id() -> str:
    return "run_" + secrets.token_hex(6)


async def enqueue_run(
    rt: Runtime,
    app: App,
    jobs: list[Job],
    *,
    lessons: bool,
    max_cost_usd: float | None = None,
    on_enqueued: Callable[[int], None] | None = None,
) -> RunStatus:
    """Record the run and its jobs, then defer one procrastinate job per key.

    A key already queued (by another run) meets its ``queueing_lock``: the waiting row is
    finished by that job. With ``max_cost_usd``, enqueuing stops once the run's ledger reaches
    it (checked between jobs) and the pending jobs are cancelled.
    """
    from procrastinate.exceptions import AlreadyEnqueued

    from lessonplan.queue.app import TASK_NAME

    run_id = new_run_id()
    async with rt.store.transaction() as tx:
        await tx.runs.create(
            run_id=run_id, now=rt.now(), lessons=lessons, max_cost_usd=max_cost_usd
        )
        for job in jobs:
            await tx.runs.add_job(
                run_id=run_id, job_key=job.job_key, can_do_id=job.can_do_id, now=rt.now()
            )
    task = app.tasks[TASK_NAME]
    for n, job in enumerate(jobs):
        if max_cost_usd is not None and await _spent(rt, run_id) >= max_cost_usd:
            await cancel_run(rt, app, run_id, reason=budget_reason(max_cost_usd))
            break
        try:
            queue_id = await task.configure(
                lock=job.job_key, queueing_lock=job.job_key
            ).defer_async(
                run_id=run_id,
                job_key=job.job_key,
                can_do_id=job.can_do_id,
                profile=job.profile.model_dump(mode="json", exclude_defaults=True),
                kit=job.kit.model_dump(mode="json", exclude_defaults=True),
                lessons=lessons,
            )
        except AlreadyEnqueued:
            queue_id = None
        if queue_id is not None:
            async with rt.store.transaction() as tx:
                await tx.runs.set_queue_job(
                    run_id=run_id, job_key=job.job_key, queue_job_id=queue_id
                )
        if on_enqueued is not None:
            on_enqueued(n + 1)
    status = await run_status(rt, run_id)
    return status


async def enqueue_batch_run(rt: Runtime, app: App, jobs: list[Job], *, lessons: bool) -> RunStatus:
    """Record the run and its keys, then defer ONE job for the whole selection: a Batch API run
    sends everything together (one profile and kit). Its ``lock`` is the selection's hash, so
    the same selection is never run twice at once."""
    import hashlib

    from procrastinate.exceptions import AlreadyEnqueued

    from lessonplan.queue.app import BATCH_TASK_NAME

    if not jobs:
        return await _empty_run(rt, lessons=lessons)
    profiles = {job.profile.model_dump_json() for job in jobs}
    kits = {job.kit.model_dump_json() for job in jobs}
    if len(profiles) > 1 or len(kits) > 1:
        raise BadInputError("a queued batch run takes one profile and one kit")
    run_id = new_run_id()
    async with rt.store.transaction() as tx:
        await tx.runs.create(run_id=run_id, now=rt.now(), lessons=lessons, max_cost_usd=None)
        for job in jobs:
            await tx.runs.add_job(
                run_id=run_id, job_key=job.job_key, can_do_id=job.can_do_id, now=rt.now()
            )
    keys = sorted([job.job_key, job.can_do_id] for job in jobs)
    lock = "batch:" + hashlib.sha256(repr(keys).encode()).hexdigest()[:40]
    # The same selection queued already: its job finishes these keys too (finish_key).
    deferrer = app.tasks[BATCH_TASK_NAME].configure(lock=lock, queueing_lock=lock)
    with contextlib.suppress(AlreadyEnqueued):
        await deferrer.defer_async(
            run_id=run_id,
            keys=cast(Any, keys),
            profile=jobs[0].profile.model_dump(mode="json", exclude_defaults=True),
            kit=jobs[0].kit.model_dump(mode="json", exclude_defaults=True),
            lessons=lessons,
        )
    return await run_status(rt, run_id)


async def _empty_run(rt: Runtime, *, lessons: bool) -> RunStatus:
    run_id = new_run_id()
    async with rt.store.transaction() as tx:
        await tx.runs.create(run_id=run_id, now=rt.now(), lessons=lessons, max_cost_usd=None)
    return await run_status(rt, run_id)


async def _spent(rt: Runtime, run_id: str) -> float:
    async with rt.store.transaction(readonly=True) as tx:
        return await tx.runs.cost(run_id=run_id)


async def cancel_run(rt: Runtime, app: App, run_id: str, *, reason: str) -> int:
    """Cancel the run's pending jobs (ours and procrastinate's ``todo`` ones); how many."""
    async with rt.store.transaction() as tx:
        queue_ids = await tx.runs.cancel_pending(run_id=run_id, reason=reason, now=rt.now())
    for queue_id in queue_ids:
        await app.job_manager.cancel_job_by_id_async(queue_id)
    return len(queue_ids)


async def enforce_budget(rt: Runtime, app: App, run_id: str) -> bool:
    """After a job: when the run's ledger reached its ``max_cost_usd``, cancel what is pending."""
    status = await run_status(rt, run_id)
    if status.max_cost_usd is None or status.cost_usd < status.max_cost_usd:
        return False
    if status.counts.get("pending", 0):
        await cancel_run(rt, app, run_id, reason=budget_reason(status.max_cost_usd))
    return True


async def _stage_tokens(
    offline: Any, inputs: PlanInputs, plan_text: str, model: str
) -> tuple[int, int]:
    """Prompt and answer tokens of a lesson's four stage calls, from the offline plan."""
    from pydantic import ValidationError

    from lessonplan.domain.lesson import ContentStage
    from lessonplan.domain.models import DomainPlan
    from lessonplan.prompts.stages import build_stage_request
    from lessonplan.prompts.tokens import count_request_tokens, count_tokens

    try:
        plan = DomainPlan.model_validate_json(plan_text)
    except ValidationError:
        return 0, 0
    common: dict[str, Any] = {
        "plan": plan,
        "descriptor": inputs.descriptor,
        "profile": inputs.profile,
        "kit": inputs.kit,
        "metalanguage": inputs.metalanguage,
    }
    request = build_stage_request("content", **common)
    answer = (await offline.complete(request)).text
    tokens_in, tokens_out = count_request_tokens(request, model), count_tokens(answer, model)
    try:
        content = ContentStage.model_validate_json(answer)
    except ValidationError:
        return tokens_in, tokens_out
    for stage in CONTENT_READERS:
        request = build_stage_request(stage, content=content, **common)
        tokens_in += count_request_tokens(request, model)
        tokens_out += count_tokens((await offline.complete(request)).text, model)
    return tokens_in, tokens_out


async def run_status(rt: Runtime, run_id: str) -> RunStatus:
    async with rt.store.transaction(readonly=True) as tx:
        status = await tx.runs.status(run_id=run_id)
    if status is None:
        raise UnknownRunError(f"unknown precompile run {run_id!r}")
    return status


# --- the dry run -----------------------------------------------------------------------------


@dataclass
class Estimate:
    jobs: int
    cache_hits: int
    plan_calls: int
    stage_calls: int
    prompt_tokens: int
    completion_tokens: int
    model: str
    sync_cost_usd: float
    batch_cost_usd: float
    priced: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "jobs": self.jobs,
            "cache_hits": self.cache_hits,
            "expected_llm_calls": self.plan_calls + self.stage_calls,
            "plan_calls": self.plan_calls,
            "stage_calls": self.stage_calls,
            "estimated_prompt_tokens": self.prompt_tokens,
            "estimated_completion_tokens": self.completion_tokens,
            "model": self.model,
            "priced": self.priced,
            "estimated_cost_usd": {
                "sync": round(self.sync_cost_usd, 6),
                "batch": round(self.batch_cost_usd, 6),
            },
        }


async def estimate(rt: Runtime, jobs: list[Job], *, lessons: bool) -> Estimate:
    """What the run would cost: cache lookups for every key, then for each miss the planner
    prompt counted offline and the offline planner's answer as the expected output size, priced
    with the price table (sync, and at the providers' batch discount). With ``--lessons``, each
    lesson not stored yet adds its four stage calls, counted the same way: the stage prompts
    built from the offline plan and content, and the offline stages as the expected output."""
    from lessonplan.prompts.planner import build_planner_request
    from lessonplan.prompts.tokens import count_request_tokens, count_tokens
    from lessonplan.providers.offline import OfflineProvider
    from lessonplan.service.precompile import _stored_lesson

    model = rt.provider.model
    offline = OfflineProvider()
    hits = prompt = completion = 0
    misses = stage_calls = 0
    for job in jobs:
        descriptor = await rt.store.get_descriptor(uid=job.can_do_id)
        if descriptor is None:
            raise ConfigurationError(f"descriptor {job.can_do_id!r} vanished during the estimate")
        require_planner_language(rt.provider, descriptor)
        inputs = PlanInputs(descriptor, job.profile, job.kit, rt.settings.metalanguage)
        request = build_planner_request(
            descriptor,
            job.profile,
            job.kit,
            variant=rt.settings.prompt,
            metalanguage=rt.settings.metalanguage,
        )
        # The expected answers are the offline planner's; it writes Japanese only, so another
        # language is sized by the same descriptor as if it taught Japanese (an estimate).
        sizing = inputs
        if not descriptor.is_japanese:
            stand_in = descriptor.model_copy(update={"target_language": "ja"})
            sizing = PlanInputs(stand_in, job.profile, job.kit, rt.settings.metalanguage)
        sized = request
        if sizing is not inputs:
            sized = build_planner_request(
                sizing.descriptor,
                job.profile,
                job.kit,
                variant=rt.settings.prompt,
                metalanguage=rt.settings.metalanguage,
            )
        plan_text = (await offline.complete(sized)).text
        if lessons and not await _stored_lesson(rt, job.can_do_id, job.profile, job.kit):
            stage_calls += len(CONTENT_READERS) + 1
            tokens_in, tokens_out = await _stage_tokens(offline, sizing, plan_text, model)
            prompt += tokens_in
            completion += tokens_out
        key = plan_key(rt, inputs, rt.provider)
        if await rt.store.cache_get(key_hash=key.key_hash, now=rt.now()) is not None:
            hits += 1
            continue
        misses += 1
        prompt += count_request_tokens(request, model)
        completion += count_tokens(plan_text, model)
    price = rt.prices.price(model)
    sync = rt.prices.cost(model, prompt, completion)
    return Estimate(
        jobs=len(jobs),
        cache_hits=hits,
        plan_calls=misses,
        stage_calls=stage_calls,
        prompt_tokens=prompt,
        completion_tokens=completion,
        model=model,
        sync_cost_usd=sync,
        batch_cost_usd=sync * BATCH_DISCOUNT,
        priced=price is not None,
    )
