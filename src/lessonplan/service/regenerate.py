"""Regenerate one stage of a stored lesson (seed item 2).

The plan comes from the lesson itself (``reuse_plan=True``, the default): zero plan calls. With
``reuse_plan=False`` it comes from the cache, and only on a miss from a new generation.
``new_plan=True`` makes a new plan version first. The result is a new lesson version in which
only the chosen stage changed.

Concurrent regenerations never overwrite each other: the LLM work runs outside any transaction,
then one transaction locks the lesson row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` writer excludes the others), reads the *latest* version, merges this one stage
into it and appends the next version. Each new version is therefore "the latest plus one stage",
and the latest version holds every stage's latest regeneration. A reused plan keeps the latest
version's plan; a new plan (``new_plan`` or ``reuse_plan=False``) replaces it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from lessonplan.domain.lesson import (
    CONTENT_READERS,
    STAGES,
    ContentStage,
    Lesson,
    StageName,
    StageRecord,
)
from lessonplan.domain.models import DomainPlan, PrelessonKit
from lessonplan.errors import BadInputError, UnknownLessonError
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.resolve import resolve_descriptor
from lessonplan.service.runtime import Runtime
from lessonplan.service.stages import generate_stage, lesson_issues, lesson_quality_event
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
    new_plan_choice = None if plan_source == "reused" else (plan, plan_source, plan_version)
    saved = await merge_stage(
        rt,
        lesson,
        stage_name,
        record,
        kit=kit,
        new_plan=new_plan_choice,
        language=descriptor.target_language,
    )
    return RegenerateResult(
        lesson=saved,
        stage=stage_name,
        plan_source=plan_source,
        timings_ms={"total": (time.perf_counter() - t0) * 1000},
    )


async def merge_stage(
    rt: Runtime,
    lesson: Lesson,
    stage: StageName,
    record: StageRecord,
    *,
    kit: PrelessonKit,
    new_plan: tuple[DomainPlan, str, int | None] | None = None,
    language: str = "ja",
) -> Lesson:
    """Append "latest version + this stage" in one transaction (see the module docstring)."""
    async with rt.store.transaction() as tx:
        latest = await tx.lessons.latest_for_update(
            lesson_id=lesson.lesson_id, learner_id=lesson.learner_id
        )
        if latest is None:
            raise UnknownLessonError(f"unknown lesson {lesson.lesson_id!r}")
        stages = {**latest.stages, stage: record}
        if new_plan is None:
            plan, plan_source, plan_version = latest.plan, "reused", latest.plan_version
        else:
            plan, plan_source, plan_version = new_plan
        issues = lesson_issues(stages, plan, kit, language=language)
        review_state, review_actor = rt.initial_review()
        saved = await tx.lessons.add_version(
            lesson_id=latest.lesson_id,
            can_do_id=latest.can_do_id,
            learner_id=latest.learner_id,
            profile_hash=latest.profile_hash,
            kit_hash=latest.kit_hash,
            plan_version=plan_version,
            plan=plan,
            plan_source=plan_source,
            metalanguage=latest.metalanguage,
            stages=stages,
            now=rt.now(),
            quality_issues=issues,
            review_state=review_state,
            review_actor=review_actor,
        )
    await rt.record([lesson_quality_event(rt, stages, issues, can_do_id=saved.can_do_id)])
    return saved


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
