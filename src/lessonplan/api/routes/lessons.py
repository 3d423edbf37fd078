"""``/lessons/{lesson_id}``: read a stored lesson; regenerate one of its stages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from lessonplan.api.deps import ID_PATTERN, LessonId, RuntimeDep, WithinBudget
from lessonplan.api.routes._common import GENERATION, problems
from lessonplan.api.schemas import LessonSummaryOut, RegenerateRequest, RegenerateResponse
from lessonplan.api.security import CallerDep, require_learner
from lessonplan.domain.lesson import Lesson, StageName
from lessonplan.errors import UnknownLessonError
from lessonplan.service.regenerate import regenerate_stage

router = APIRouter(prefix="/lessons", tags=["lessons"])


@router.get(
    "",
    response_model=list[LessonSummaryOut],
    responses=problems(401, 403, 404, 422),
    summary="A learner's lessons, latest version of each, most recently updated first",
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
) -> list[LessonSummaryOut]:
    require_learner(caller, learner_id)
    found = await rt.store.list_lessons(learner_id=learner_id, can_do_id=can_do_id, limit=limit)
    return [LessonSummaryOut.model_validate(s, from_attributes=True) for s in found]


@router.get(
    "/{lesson_id}",
    response_model=Lesson,
    responses=problems(401, 403, 404, 422),
    summary="A stored lesson (latest version unless ?version=N)",
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
) -> Lesson:
    if learner_id is not None:
        require_learner(caller, learner_id)
    lesson = await rt.store.get_lesson(lesson_id=lesson_id, version=version, learner_id=learner_id)
    if lesson is None or not caller.reaches(lesson.learner_id):
        which = f" version {version}" if version is not None else ""
        raise UnknownLessonError(f"unknown lesson {lesson_id!r}{which}")
    return lesson


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
        lesson=result.lesson,
    )
