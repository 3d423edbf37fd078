"""Move a lesson version through the review workflow (one transaction per change)."""

from __future__ import annotations

from lessonplan.domain.review import (
    ReviewEvent,
    ReviewState,
    check_transition,
    clean_actor,
)
from lessonplan.errors import UnknownLessonError
from lessonplan.service.runtime import Runtime


async def change_review_state(
    rt: Runtime,
    *,
    lesson_id: str,
    to_state: ReviewState,
    actor: str,
    version: int | None = None,
    note: str | None = None,
) -> ReviewEvent:
    """Set the review state of a lesson version (the latest unless ``version``), recording who
    and why. The current state is read under a row lock in the same transaction as the change,
    so two reviewers acting at once cannot both move a version out of the same state.

    Raises UnknownLessonError, InvalidTransitionError (409) or NoteRequiredError (422).
    """
    async with rt.store.transaction() as tx:
        if version is None:
            numbers = await tx.lessons.version_numbers(lesson_id=lesson_id)
            if not numbers:
                raise UnknownLessonError(f"unknown lesson {lesson_id!r}", lesson_id=lesson_id)
            version = numbers[-1]
        current = await tx.reviews.state_for_update(lesson_id=lesson_id, version=version)
        if current is None:
            raise UnknownLessonError(
                f"unknown lesson {lesson_id!r} version {version}", lesson_id=lesson_id
            )
        cleaned = check_transition(current, to_state, note)
        event = ReviewEvent(
            lesson_id=lesson_id,
            version=version,
            from_state=current,
            to_state=to_state,
            actor=clean_actor(actor),
            note=cleaned,
            at=rt.now(),
        )
        await tx.reviews.record(event=event)
    return event
