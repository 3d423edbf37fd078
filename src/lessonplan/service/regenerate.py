"""Regenerate one stage of a stored lesson (seed item 2).

The plan comes from the lesson itself (``reuse_plan=True``, the default): zero plan calls. With
``reuse_plan=False`` it comes from the cache, and only on a miss from a new generation.
``new_plan=True`` makes a new plan version first. The result is a new lesson version in which
only the chosen stage changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from lessonplan.domain.lesson import CONTENT_READERS, STAGES, ContentStage, Lesson, StageName
from lessonplan.errors import BadInputError, UnknownLessonError
from lessonplan.service.compile import resolve_descriptor
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.runtime import Runtime
from lessonplan.service.stages import generate_stage, lesson_quality
from lessonplan.store.records import GenerationEvent


@dataclass
class RegenerateResult:
    lesson: Lesson
    stage: StageName
    plan_source: str
    plan_calls: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)


async def regenerate_stage(
    rt: Runtime,
    lesson_id: str,
    stage: str,
    *,
    reuse_plan: bool = True,
    new_plan: bool = False,
    learner_id: str | None = None,
) -> RegenerateResult:
    if stage not in STAGES:
        raise BadInputError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    stage_name: StageName = stage
    t0 = time.perf_counter()
    lesson = await rt.store.get_lesson(lesson_id=lesson_id, learner_id=learner_id)
    if lesson is None:
        raise UnknownLessonError(f"unknown lesson {lesson_id!r}")
    descriptor = await resolve_descriptor(rt, lesson.can_do_id)
    profile, kit = await rt.store.get_lesson_inputs(lesson_id=lesson_id)
    inputs = PlanInputs(descriptor, profile, kit, lesson.metalanguage)

    plan_version = lesson.plan_version
    if new_plan:
        result = await get_plan(rt, inputs, use_cache=False)
        plan, plan_source, plan_version = result.plan, result.source, result.provenance.plan_version
    elif reuse_plan:
        plan, plan_source = lesson.plan, "reused"
        await rt.record([reuse_event(rt, lesson)])
    else:
        result = await get_plan(rt, inputs, use_cache=True)
        plan, plan_source, plan_version = result.plan, result.source, result.provenance.plan_version

    content = None
    if stage_name in CONTENT_READERS:
        current = lesson.stages.get("content")
        if current is None or current.status != "done" or current.data is None:
            raise BadInputError(
                f"lesson {lesson_id} has no finished content stage; regenerate content first"
            )
        content = ContentStage.model_validate(current.data)
    record = await generate_stage(
        rt,
        stage_name,
        plan=plan,
        descriptor=descriptor,
        profile=profile,
        kit=kit,
        content=content,
        metalanguage=lesson.metalanguage,
    )
    stages = dict(lesson.stages)
    stages[stage_name] = record
    issues = await lesson_quality(rt, stages, plan, kit, can_do_id=lesson.can_do_id)
    saved = await rt.store.save_lesson(
        lesson_id=lesson.lesson_id,
        can_do_id=lesson.can_do_id,
        learner_id=lesson.learner_id,
        profile_hash=lesson.profile_hash,
        kit_hash=lesson.kit_hash,
        plan_version=plan_version,
        plan=plan,
        plan_source=plan_source,
        metalanguage=lesson.metalanguage,
        stages=stages,
        now=rt.now(),
        profile=profile,
        kit=kit,
        quality_issues=issues,
    )
    return RegenerateResult(
        lesson=saved,
        stage=stage_name,
        plan_source=plan_source,
        timings_ms={"total": (time.perf_counter() - t0) * 1000},
    )


def reuse_event(rt: Runtime, lesson: Lesson) -> GenerationEvent:
    """A plan answered from the lesson itself: no call, counted as saved spend in stats."""
    return GenerationEvent(
        at=rt.now(),
        operation="plan_answer",
        can_do_id=lesson.can_do_id,
        key_hash=None,
        provider="lesson",
        model="",
        outcome="reused",
        source="reused",
        latency_ms=0.0,
        prompt_tokens=0,
        completion_tokens=0,
        cost_usd=0.0,
        cost_saved_usd=0.0,
        error_type=None,
        quality_issue_count=0,
    )
