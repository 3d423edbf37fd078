"""Compile a lesson: inputs concurrently, the plan, then the stages on a three-round critical path.

Round 1 is the plan. Content, production and interaction depend only on the plan and start
together (round 2); comprehension reads the content's dialogue and reading, so it starts the
moment content is done (round 3). A caller may pass ``on_progress`` to see each step as it
happens (the CLI's progress bar, the HTTP stream).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.hashing import fingerprint
from lessonplan.domain.lesson import (
    CONTENT_READERS,
    STAGES,
    ContentStage,
    Lesson,
    StageName,
    StageRecord,
)
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    PlanResult,
    PrelessonKit,
)
from lessonplan.errors import ProviderTimeoutError
from lessonplan.service.plans import PLAN_READY, PlanInputs, get_plan
from lessonplan.service.resolve import resolve_descriptor, resolve_inputs, resolve_profile
from lessonplan.service.runtime import Runtime
from lessonplan.service.stages import Parsed, generate_stage, lesson_quality, skipped_stage
from lessonplan.service.warmup import warming

ProgressCallback = Callable[[str, dict[str, Any]], Awaitable[None] | None]


@dataclass
class CompileResult:
    lesson: Lesson
    plan: PlanResult
    timings_ms: dict[str, float] = field(default_factory=dict)


def whole_profile_hash(profile: LearnerProfile) -> str:
    """The hash of the learner's whole profile: lessons are scoped to it (``Lesson.profile_hash``).

    Not the lineage's ``profile_fingerprint``, which covers only what the planner prompt carries.
    """
    return fingerprint(profile.model_dump(mode="json", exclude_defaults=True))


def whole_kit_hash(kit: PrelessonKit) -> str:
    """The hash of the whole kit (``Lesson.kit_hash``), not the lineage's ``kit_fingerprint``."""
    return fingerprint(kit.model_dump(mode="json", exclude_defaults=True))


# The old names.
profile_hash = whole_profile_hash
kit_hash = whole_kit_hash
__all__ = [
    "CompileResult",
    "compile_lesson",
    "kit_hash",
    "profile_hash",
    "resolve_descriptor",  # from .resolve: commands answering from the cache import that
    "resolve_inputs",
    "resolve_profile",
    "whole_kit_hash",
    "whole_profile_hash",
]


async def _emit(on_progress: ProgressCallback | None, step: str, data: dict[str, Any]) -> None:
    if on_progress is None:
        return
    result = on_progress(step, data)
    if asyncio.iscoroutine(result):
        await result


async def compile_lesson(
    rt: Runtime,
    can_do_id: str,
    *,
    profile: LearnerProfile | None = None,
    learner_id: str | None = None,
    kit: PrelessonKit | None = None,
    use_cache: bool = True,
    metalanguage: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> CompileResult:
    """Compile and store one lesson version; bounded by the compile timeout. Bookkeeping
    falling due meanwhile is written after it (see :meth:`WriteBehind.foreground`)."""
    try:
        with rt.writer.foreground():
            async with asyncio.timeout(rt.settings.compile_timeout_seconds):
                return await _compile(
                    rt,
                    can_do_id,
                    profile=profile,
                    learner_id=learner_id,
                    kit=kit,
                    use_cache=use_cache,
                    metalanguage=metalanguage or rt.settings.metalanguage,
                    on_progress=on_progress,
                )
    except TimeoutError as exc:
        raise ProviderTimeoutError(
            f"compile of {can_do_id} exceeded {rt.settings.compile_timeout_seconds:g} s"
        ) from exc


async def _compile(
    rt: Runtime,
    can_do_id: str,
    *,
    profile: LearnerProfile | None,
    learner_id: str | None,
    kit: PrelessonKit | None,
    use_cache: bool,
    metalanguage: str,
    on_progress: ProgressCallback | None,
) -> CompileResult:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    lesson_kit = kit or PrelessonKit()
    descriptor, learner = await resolve_inputs(rt, can_do_id, profile, learner_id)
    timings["inputs"] = (time.perf_counter() - t0) * 1000
    await _emit(
        on_progress, "inputs", {"can_do_id": descriptor.uid, "learner_id": learner.learner_id}
    )

    plan_inputs = PlanInputs(descriptor, learner, lesson_kit, metalanguage)
    records: dict[StageName, StageRecord] = {}
    parsed: Parsed = {}  # the stages' models, for the lesson checks
    plan_told = asyncio.Event()  # the caller has heard of the plan: stages may report now

    async def run(
        stage: StageName,
        content: ContentStage | None = None,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        **options: Any,
    ) -> StageRecord:
        record = await generate_stage(
            rt,
            stage,
            content=content,
            plan=plan,
            descriptor=descriptor,
            profile=learner,
            kit=lesson_kit,
            metalanguage=metalanguage,
            parsed=parsed,
            **options,
        )
        await plan_told.wait()
        records[stage] = record
        timings[stage] = (time.perf_counter() - t0) * 1000
        await _emit(
            on_progress,
            "stage",
            {
                "stage": stage,
                "status": record.status,
                "source": record.source,
                "error": record.error,
                "duration_ms": round(record.duration_ms, 1),
                # The stage itself, so a caller can show content before the rest is done.
                "data": record.data,
            },
        )
        return record

    # Three LLM rounds: the plan, the content, then the stages that build on it together.
    # Under ``warn`` each round starts as soon as what it reads is known, not stored: the content
    # from the generated plan once it passed its checks (while it is recorded), the stages that
    # read the content from its parsed answer (while it is annotated and checked; their prompts
    # carry only its surfaces and translations, which neither changes; their checks wait for the
    # annotated content). What started from something that was not kept starts over.
    early = rt.settings.quality_policy == "warn" and not rt.provider.is_offline
    readers: dict[StageName, asyncio.Future[StageRecord]] = {}
    checked: asyncio.Future[ContentStage] = asyncio.get_running_loop().create_future()
    # The content started from a plan before it was recorded: (that plan, its descriptor, task).
    early_content: tuple[DomainPlan, CanDoDescriptor, asyncio.Future[StageRecord]] | None = None
    finished = False

    def start_content(plan: DomainPlan, descriptor: CanDoDescriptor) -> asyncio.Future[StageRecord]:
        async def start_readers(generated: BaseModel) -> None:
            content = ContentStage.model_validate(generated)  # the same instance, unchecked
            for stage in CONTENT_READERS:
                readers[stage] = asyncio.ensure_future(
                    run(stage, content, plan=plan, descriptor=descriptor, checked_content=checked)
                )
            await asyncio.sleep(0)  # they start; the annotation then serves the loop

        on_generated = start_readers if early else None
        return asyncio.ensure_future(
            run("content", plan=plan, descriptor=descriptor, on_generated=on_generated)
        )

    def plan_ready(plan: DomainPlan) -> None:
        nonlocal early_content
        # A generation outlives a compile that gave up waiting (it is shared): too late then.
        if early_content is None and not finished:
            descriptor = plan_inputs.descriptor
            early_content = (plan, descriptor, start_content(plan, descriptor))

    loading = warming()  # the text layer's data, while the plan call waits on the LLM
    token = PLAN_READY.set(plan_ready if early else None)
    try:
        try:
            plan_result = await get_plan(rt, plan_inputs, use_cache=use_cache)
        finally:
            PLAN_READY.reset(token)
            if loading is not None:
                await loading
        descriptor = plan_inputs.descriptor  # the catalog's current content, when it changed
        plan = plan_result.plan
        timings["plan"] = (time.perf_counter() - t0) * 1000
        await _emit(
            on_progress,
            "plan",
            {
                "source": plan_result.source,
                "plan_version": plan_result.provenance.plan_version,
                "model": plan_result.provenance.model,
                "path": plan_result.provenance.path,
                "duration_ms": round(plan_result.provenance.duration_ms, 1),
            },
        )
        plan_told.set()
        if early_content is not None and (
            early_content[0] is not plan or early_content[1] is not descriptor
        ):
            # Started on a plan that was not the one kept (recording it failed and a fallback
            # made another): everything built on it starts over.
            await _cancel([early_content[2], *readers.values()])
            early_content = None
            readers.clear()
        content_task = early_content[2] if early_content else start_content(plan, descriptor)
        content_record = await content_task
        usable = content_record.status == "done" and content_record.data is not None
        if readers and (not usable or content_record.source not in ("generated", "repaired")):
            # The answer they started from is not the stored content (the primary's answer
            # failed after it was parsed; a fallback wrote another): start over from that one.
            await _cancel(readers.values())
            readers.clear()
        if readers:
            checked.set_result(ContentStage.model_validate(content_record.data))
        elif usable:
            content = ContentStage.model_validate(content_record.data)
            for stage in CONTENT_READERS:
                readers[stage] = asyncio.ensure_future(
                    run(stage, content, plan=plan, descriptor=descriptor)
                )
        await asyncio.gather(*readers.values())
    finally:
        finished = True
        pending = [*readers.values(), *([early_content[2]] if early_content else [])]
        await _cancel(task for task in pending if not task.done())
    if not usable:
        for stage in CONTENT_READERS:
            records[stage] = skipped_stage(
                stage, f"content stage failed; {stage} builds on its dialogue and reading", rt
            )
            await _emit(
                on_progress,
                "stage",
                {"stage": stage, "status": "failed", "source": "", "error": "content stage failed"},
            )
    ordered = {name: records[name] for name in STAGES}
    issues = await lesson_quality(
        rt,
        ordered,
        plan,
        lesson_kit,
        can_do_id=descriptor.uid,
        language=descriptor.target_language,
        parsed=parsed,
    )
    review_state, review_actor = rt.initial_review()
    lesson = await rt.store.save_lesson(
        lesson_id=None,
        can_do_id=descriptor.uid,
        learner_id=learner.learner_id,
        profile_hash=whole_profile_hash(learner),
        kit_hash=whole_kit_hash(lesson_kit),
        plan_version=plan_result.provenance.plan_version,
        plan=plan,
        plan_source=plan_result.source,
        metalanguage=metalanguage,
        stages=dict(ordered),
        now=rt.now(),
        profile=learner,
        kit=lesson_kit,
        quality_issues=issues,
        review_state=review_state,
        review_actor=review_actor,
    )
    timings["total"] = (time.perf_counter() - t0) * 1000
    await _emit(
        on_progress,
        "lesson",
        {"lesson_id": lesson.lesson_id, "version": lesson.version, "status": lesson.status},
    )
    return CompileResult(lesson=lesson, plan=plan_result, timings_ms=timings)


async def _cancel(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel ``tasks`` and wait until they have ended."""
    pending = list(tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
