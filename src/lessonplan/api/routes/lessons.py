"""``/lessons/{lesson_id}``: read a stored lesson; regenerate one of its stages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from lessonplan.api.deps import ID_PATTERN, LessonId, RuntimeDep, WithinBudget
from lessonplan.api.routes._common import GENERATION, lesson_out, problems
from lessonplan.api.schemas import (
    LessonOut,
    LessonSummaryOut,
    LessonVersionOut,
    RegenerateRequest,
    RegenerateResponse,
    ReviewRequest,
)
from lessonplan.api.security import (
    CallerDep,
    DraftsQuery,
    require_drafts_access,
    require_learner,
    require_reviewer,
)
from lessonplan.domain.lesson import StageName
from lessonplan.domain.review import LEARNER_VISIBLE, ReviewEvent
from lessonplan.errors import UnknownLessonError
from lessonplan.service.regenerate import regenerate_stage
from lessonplan.service.review import change_review_state

router = APIRouter(prefix="/lessons", tags=["lessons"])


@router.get(
    "",
    response_model=list[LessonSummaryOut],
    responses=problems(401, 403, 404, 422),
    summary="A learner's lessons, latest published version of each (latest of any state with "
    "?drafts=true and an admin key), most recently updated first",
)
async def list_lessons(
    rt: RuntimeDep,
    caller: CallerDep,
    learner_id: Annotated[
        str, Query(min_length=1, max_length=200, pattern=ID_PATTERN, description="whose lessons")
    ],
    can_do_id: Annotated[
        str | None, Query(min_length=1, max_length=200, pattern=ID_PATTERN)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    drafts: DraftsQuery = False,
) -> list[LessonSummaryOut]:
    require_learner(caller, learner_id)
    require_drafts_access(caller, drafts)
    found = await rt.store.list_lessons(
        learner_id=learner_id, can_do_id=can_do_id, limit=limit, published_only=not drafts
    )
    return [LessonSummaryOut.model_validate(s, from_attributes=True) for s in found]


@router.get(
    "/{lesson_id}",
    response_model=LessonOut,
    responses=problems(401, 403, 404, 422),
    summary="A stored lesson: its latest published version (or ?version=N if published); "
    "?drafts=true with an admin key reaches versions in any review state",
)
async def get_lesson(
    rt: RuntimeDep,
    caller: CallerDep,
    lesson_id: LessonId,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    learner_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=ID_PATTERN,
            description="the caller's learner: another learner's lesson is 404",
        ),
    ] = None,
    drafts: DraftsQuery = False,
) -> LessonOut:
    if learner_id is not None:
        require_learner(caller, learner_id)
    require_drafts_access(caller, drafts)
    lesson = await rt.store.get_lesson(
        lesson_id=lesson_id, version=version, learner_id=learner_id, published_only=not drafts
    )
    if lesson is None or not caller.reaches(lesson.learner_id):
        which = f" version {version}" if version is not None else ""
        published = "" if drafts else " published"
        raise UnknownLessonError(f"no{published} lesson {lesson_id!r}{which}")
    return await lesson_out(rt, lesson)


@router.post(
    "/{lesson_id}/stages/{stage}/regenerate",
    response_model=RegenerateResponse,
    responses=problems(401, 403, 404, 413, 422, *GENERATION),
    dependencies=[WithinBudget],
    summary="Regenerate one stage, reusing the lesson's plan unless new_plan",
)
async def regenerate(
    rt: RuntimeDep,
    caller: CallerDep,
    lesson_id: LessonId,
    stage: StageName,
    body: Annotated[RegenerateRequest | None, Body()] = None,
) -> RegenerateResponse:
    body = body or RegenerateRequest()
    learner_id = body.learner_id
    if learner_id is not None:
        require_learner(caller, learner_id)
    elif caller.is_bound:
        # The lesson's learner must be one the key reaches; the service then checks that the
        # lesson it regenerates is still that learner's, in the same use case.
        current = await rt.store.get_lesson(lesson_id=lesson_id)
        if current is None or not caller.reaches(current.learner_id):
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}")
        learner_id = current.learner_id
    result = await regenerate_stage(
        rt, lesson_id, stage, new_plan=body.new_plan, learner_id=learner_id
    )
    record = result.lesson.stages[result.stage]
    return RegenerateResponse(
        lesson_id=result.lesson.lesson_id,
        version=result.lesson.version,
        stage=result.stage,
        stage_status=record.status,
        plan_source=result.plan_source,
        plan_version=result.lesson.plan_version,
        timings_ms={k: round(v, 2) for k, v in result.timings_ms.items()},
        lesson=await lesson_out(rt, result.lesson),
    )


@router.get(
    "/{lesson_id}/versions",
    response_model=list[LessonVersionOut],
    responses=problems(401, 403, 404, 422),
    summary="A lesson's versions with their review states (published ones only without "
    "?drafts=true)",
)
async def list_versions(
    rt: RuntimeDep, caller: CallerDep, lesson_id: LessonId, drafts: DraftsQuery = False
) -> list[LessonVersionOut]:
    require_drafts_access(caller, drafts)
    await _reachable(rt, caller, lesson_id)
    found = await rt.store.lesson_versions(lesson_id=lesson_id)
    return [
        LessonVersionOut.model_validate(v, from_attributes=True)
        for v in found
        if drafts or v.review_state == LEARNER_VISIBLE
    ]


@router.get(
    "/{lesson_id}/reviews",
    response_model=list[ReviewEvent],
    responses=problems(401, 403, 404, 422),
    summary="Every change of review state of a lesson's versions, oldest first",
)
async def review_history(
    rt: RuntimeDep,
    caller: CallerDep,
    lesson_id: LessonId,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[ReviewEvent]:
    require_reviewer(caller)
    await _reachable(rt, caller, lesson_id)
    return await rt.store.review_history(lesson_id=lesson_id, version=version)


@router.post(
    "/{lesson_id}/review",
    response_model=ReviewEvent,
    responses=problems(401, 403, 404, 409, 413, 422),
    summary="Move a lesson version to another review state (draft → in_review → approved → "
    "published, or rejected with a note)",
)
async def review(
    rt: RuntimeDep, caller: CallerDep, lesson_id: LessonId, body: ReviewRequest
) -> ReviewEvent:
    require_reviewer(caller)
    await _reachable(rt, caller, lesson_id)
    actor = f"{body.by.strip()} ({caller.label})" if body.by and body.by.strip() else caller.label
    return await change_review_state(
        rt,
        lesson_id=lesson_id,
        version=body.version,
        to_state=body.state,
        note=body.note,
        actor=actor,
    )


async def _reachable(rt: RuntimeDep, caller: CallerDep, lesson_id: str) -> None:
    if caller.is_bound:
        current = await rt.store.get_lesson(lesson_id=lesson_id)
        if current is None or not caller.reaches(current.learner_id):
            raise UnknownLessonError(f"unknown lesson {lesson_id!r}")
    elif not await rt.store.list_lesson_versions(lesson_id=lesson_id):
        raise UnknownLessonError(f"unknown lesson {lesson_id!r}")
