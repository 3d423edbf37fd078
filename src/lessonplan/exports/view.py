"""The template context of a lesson: its stages as models (a stage not generated is None)."""

from __future__ import annotations

from typing import Any

from lessonplan.domain.lesson import (
    ComprehensionStage,
    ContentStage,
    InteractionStage,
    Lesson,
    ProductionStage,
)
from lessonplan.domain.models import CanDoDescriptor


def lesson_context(
    lesson: Lesson, *, descriptor: CanDoDescriptor | None, copy: str = "teacher"
) -> dict[str, Any]:
    content = lesson.stage_data("content")
    comp = lesson.stage_data("comprehension")
    prod = lesson.stage_data("production")
    inter = lesson.stage_data("interaction")
    return {
        "lesson": lesson,
        "plan": lesson.plan,
        "descriptor": descriptor,
        "teacher": copy == "teacher",
        "copy": copy,
        "content": content if isinstance(content, ContentStage) else None,
        "comprehension": comp if isinstance(comp, ComprehensionStage) else None,
        "production": prod if isinstance(prod, ProductionStage) else None,
        "interaction": inter if isinstance(inter, InteractionStage) else None,
        "stages": lesson.stages,
    }
