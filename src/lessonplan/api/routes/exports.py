"""``/lessons/{lesson_id}/export``: a stored lesson as html, pdf, md or an Anki deck."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from lessonplan.api.deps import ID_PATTERN, LessonId, RuntimeDep
from lessonplan.api.routes._common import problems
from lessonplan.api.security import (
    CallerDep,
    DraftsQuery,
    require_drafts_access,
    require_learner,
)
from lessonplan.exports import Export
from lessonplan.exports.formats import MEDIA_TYPES, Copy, ExportFormat
from lessonplan.service.exports import lesson_for_export

router = APIRouter(prefix="/lessons", tags=["exports"])


@router.get(
    "/{lesson_id}/export",
    response_class=Response,
    responses={
        **problems(401, 403, 404, 422),
        200: {
            "description": "The exported file (Content-Disposition: attachment)",
            "content": {media.split(";")[0]: {} for media in MEDIA_TYPES.values()},
        },
    },
    summary="Export a lesson: html, pdf (teacher's copy or handout), md, or an Anki deck "
    "(published versions; ?drafts=true with an admin key for any)",
)
async def export_lesson_file(
    rt: RuntimeDep,
    caller: CallerDep,
    lesson_id: LessonId,
    format: Annotated[ExportFormat, Query(description="html | pdf | md | anki")],
    copy: Annotated[Copy, Query(description="html/pdf: teacher or handout")] = "teacher",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    learner_id: Annotated[
        str | None, Query(min_length=1, max_length=200, pattern=ID_PATTERN)
    ] = None,
    drafts: DraftsQuery = False,
) -> Response:
    from lessonplan.exports import export_lesson

    if learner_id is not None:
        require_learner(caller, learner_id)
    require_drafts_access(caller, drafts)
    lesson, descriptor = await lesson_for_export(
        rt,
        lesson_id=lesson_id,
        version=version,
        learner_id=learner_id,
        reaches=caller.reaches,
        published_only=not drafts,
    )
    made = await run_in_threadpool(
        export_lesson, lesson, format, descriptor=descriptor, copy=copy, version=version
    )
    return attachment(made)


def attachment(made: Export) -> Response:
    """An export as a download: its media type and file name."""
    return Response(
        content=made.data,
        media_type=made.media_type,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
