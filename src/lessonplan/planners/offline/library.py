"""The library of authored lessons bundled in the package, indexed by Can-Do id.

Every file is validated once per process against :class:`AuthoredLesson`; a file that does not
fit is an :class:`AuthoredLessonError` naming the file and the JSON path, never a traceback deep
inside the planner.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from pydantic import ValidationError

from lessonplan.planners.offline.authored import AuthoredLesson

LESSONS_PACKAGE = "lessonplan.planners.offline"
LESSONS_DIR = "lessons"


class AuthoredLessonError(ValueError):
    """An authored lesson file that is not valid JSON or does not follow FORMAT.md."""


def _path(loc: Iterable[int | str]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def parse_lesson(text: str, *, name: str) -> AuthoredLesson:
    """One file's text as a lesson; errors name ``name`` and each failing path."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AuthoredLessonError(f"{name}: not valid JSON: {exc}") from exc
    try:
        return AuthoredLesson.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_path(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise AuthoredLessonError(f"{name}: {problems}") from None


def lesson_files() -> list[Traversable]:
    folder = resources.files(LESSONS_PACKAGE).joinpath(LESSONS_DIR)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


@cache
def _library() -> dict[str, AuthoredLesson]:
    lessons: dict[str, AuthoredLesson] = {}
    names: dict[str, str] = {}
    for file in lesson_files():
        lesson = parse_lesson(file.read_text(encoding="utf-8"), name=f"lessons/{file.name}")
        if lesson.can_do_id in lessons:
            raise AuthoredLessonError(
                f"lessons/{file.name}: can_do_id {lesson.can_do_id!r} is already authored "
                f"in lessons/{names[lesson.can_do_id]}"
            )
        lessons[lesson.can_do_id] = lesson
        names[lesson.can_do_id] = file.name
    return lessons


def load_library() -> dict[str, AuthoredLesson]:
    """Every bundled authored lesson by ``can_do_id`` (parsed and validated once)."""
    return dict(_library())


def authored_lesson(can_do_id: str) -> AuthoredLesson | None:
    """The authored lesson for a descriptor, or ``None`` (a user's import, say)."""
    return _library().get(can_do_id)
