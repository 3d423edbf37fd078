"""Live compile progress for the studio: server-sent events whose stages arrive as HTML, rendered
by the same partial the lesson page uses, so the lesson appears stage by stage."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import ServerSentEvent

from lessonplan.domain.lesson import STAGE_MODELS, StageName
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import LessonplanError
from lessonplan.service.compile import CompileResult, compile_lesson
from lessonplan.service.runtime import Runtime
from lessonplan.studio.views import IssueIndex, render

log = logging.getLogger("lessonplan.studio")
_DONE = object()


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(data, ensure_ascii=False), event=name)


def stage_fragment(stage: StageName, data: dict[str, Any] | None) -> str:
    model = STAGE_MODELS[stage].model_validate(data) if data is not None else None
    return render("_stage.html", name=stage, stage=model, issues=IssueIndex([]), live=True)


async def studio_compile_events(
    rt: Runtime, can_do_id: str, *, profile: LearnerProfile, kit: PrelessonKit | None
) -> AsyncIterator[ServerSentEvent]:
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def on_progress(step: str, data: dict[str, Any]) -> None:
        queue.put_nowait((step, data))

    task: asyncio.Task[CompileResult] = asyncio.create_task(
        compile_lesson(rt, can_do_id, profile=profile, kit=kit, on_progress=on_progress)
    )
    task.add_done_callback(lambda _t: queue.put_nowait(_DONE))
    try:
        while (item := await queue.get()) is not _DONE:
            step, data = item
            if step == "plan":
                yield _event("plan", {"source": data.get("source"), "model": data.get("model")})
            elif step == "stage":
                stage: StageName = data["stage"]
                html = stage_fragment(stage, data.get("data")) if data.get("data") else ""
                yield _event(
                    "stage",
                    {
                        "stage": stage,
                        "status": data.get("status"),
                        "source": data.get("source"),
                        "error": data.get("error"),
                        "html": html,
                    },
                )
        try:
            result = task.result()
        except LessonplanError as exc:
            yield _event("error", {"message": str(exc)})
            return
        except Exception:
            log.exception("studio compile of %s failed", can_do_id)
            yield _event("error", {"message": "the compile failed on the server"})
            return
        lesson = result.lesson
        yield _event(
            "lesson",
            {
                "lesson_id": lesson.lesson_id,
                "version": lesson.version,
                "status": lesson.status,
                "url": f"/lessons/{lesson.lesson_id}?version={lesson.version}",
            },
        )
    finally:
        if not task.done():
            task.cancel()
