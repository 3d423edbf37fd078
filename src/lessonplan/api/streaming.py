"""Compile progress as server-sent events.

Events, in order: ``inputs``, ``plan`` (with its source), one ``stage`` per stage as it completes
or fails, then ``lesson`` (the stored lesson, exactly as ``GET /lessons/{id}`` serves it) or
``error`` (a problem body). The compile runs as its own task fed by ``on_progress`` into a queue;
when the client goes away the stream is cancelled and cancels that task, which was this
request's alone. A plan generation it joined is not lost: the service's single-flight only
cancels shared work when its last waiter leaves.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from sse_starlette import ServerSentEvent

from lessonplan.api.errors import error_problem, problem_body
from lessonplan.api.routes._common import lesson_out
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import LessonplanError
from lessonplan.service.compile import CompileResult, compile_lesson
from lessonplan.service.runtime import Runtime

log = logging.getLogger("lessonplan.api")

_DONE = object()
CANCEL_GRACE_SECONDS = 10.0


def _event(name: str, data: dict[str, Any], seq: int) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(data, ensure_ascii=False, default=str), event=name, id=str(seq)
    )


async def compile_events(
    rt: Runtime,
    can_do_id: str,
    *,
    profile: LearnerProfile,
    kit: PrelessonKit | None,
    use_cache: bool,
) -> AsyncIterator[ServerSentEvent]:
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def on_progress(step: str, data: dict[str, Any]) -> None:
        if step != "lesson":  # the final event carries the whole stored lesson instead
            queue.put_nowait((step, data))

    task: asyncio.Task[CompileResult] = asyncio.create_task(
        compile_lesson(
            rt, can_do_id, profile=profile, kit=kit, use_cache=use_cache, on_progress=on_progress
        )
    )
    task.add_done_callback(lambda _t: queue.put_nowait(_DONE))
    seq = 0
    try:
        while (item := await queue.get()) is not _DONE:
            step, data = item
            seq += 1
            yield _event(step, data, seq)
        seq += 1
        try:
            result = task.result()
        except LessonplanError as exc:
            _status, body, _headers = error_problem(exc)
            yield _event("error", body, seq)
            return
        except Exception:
            log.exception("compile stream of %s failed", can_do_id)
            yield _event("error", problem_body(500, "internal_error", "internal server error"), seq)
            return
        lesson = await lesson_out(rt, result.lesson)
        yield _event("lesson", lesson.model_dump(mode="json"), seq)
    finally:
        if not task.done():
            task.cancel()
            # The stream itself is being cancelled: wait for the compile to unwind, shielded.
            with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_GRACE_SECONDS):
                await asyncio.wait({task})
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: a failure after the client left is not "never retrieved"
