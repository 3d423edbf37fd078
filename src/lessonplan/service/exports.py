"""Reading what an export needs: the lesson version and its descriptor, in one read."""

from __future__ import annotations

from collections.abc import Callable

from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.errors import UnknownLessonError
from lessonplan.service.runtime import Runtime


async def lesson_for_export(
    rt: Runtime,
    *,
    lesson_id: str,
    version: int | None = None,
    learner_id: str | None = None,
    reaches: Callable[[str], bool] | None = None,
    published_only: bool = False,
) -> tuple[Lesson, CanDoDescriptor | None]:
    """The lesson (latest version unless ``version``; with ``published_only`` what a learner
    may read: the latest published one) and its descriptor; a lesson the caller does not
    ``reach`` is unknown, like one that does not exist."""
    async with rt.store.transaction(readonly=True) as tx:
        lesson = await tx.lessons.get(
            lesson_id=lesson_id,
            version=version,
            learner_id=learner_id,
            published_only=published_only,
        )
        if lesson is None or (reaches is not None and not reaches(lesson.learner_id)):
            which = f" version {version}" if version is not None else ""
            what = "no published lesson" if published_only else "unknown lesson"
            raise UnknownLessonError(f"{what} {lesson_id!r}{which}")
        descriptor = await tx.catalog.get(uid=lesson.can_do_id)
    return lesson, descriptor
