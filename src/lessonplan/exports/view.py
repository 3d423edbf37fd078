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
from lessonplan.domain.models import CanDoDescriptor, DomainPlan
from lessonplan.japanese.kana import has_kana


def is_japanese_lesson(lesson: Lesson, descriptor: CanDoDescriptor | None) -> bool:
    """Whether the lesson teaches Japanese (readings, furigana, romaji): its descriptor says so;
    without one, a lesson whose words carry readings or kana does."""
    if descriptor is not None:
        return descriptor.is_japanese
    content = lesson.stage_data("content")
    if not isinstance(content, ContentStage):
        return True
    return any(w.text.reading or has_kana(w.text.surface) for w in content.words)


def lesson_language(lesson: Lesson, descriptor: CanDoDescriptor | None) -> str:
    """The language tag of the lesson's texts: its descriptor's, else ``ja`` for a Japanese
    lesson and ``und`` (undetermined) for another."""
    if descriptor is not None:
        return descriptor.target_language
    return "ja" if is_japanese_lesson(lesson, None) else "und"


def jlpt_level(surface: str) -> str:
    """A Japanese word's JLPT level (``N5``…``N1``), or "" when no list has it."""
    from lessonplan.japanese import word_level  # the lists load on first use

    return word_level(surface) or ""


def lesson_criteria(plan: DomainPlan, interaction: InteractionStage | None) -> list[str]:
    """The lesson's success criteria that no role-play card shows already (an offline lesson's
    are its cards', which each card lists: the handout printed them twice)."""
    on_cards = {
        c for rp in (interaction.role_plays if interaction else []) for c in rp.success_criteria
    }
    return [c for c in plan.evaluation.success_criteria if c not in on_cards]


def lesson_context(
    lesson: Lesson, *, descriptor: CanDoDescriptor | None, copy: str = "teacher"
) -> dict[str, Any]:
    """The stages as models, and how to write the target language: ``japanese`` (readings,
    furigana and romaji exist), its ``language`` tag, quotation marks and list separator."""
    japanese = is_japanese_lesson(lesson, descriptor)
    language = lesson_language(lesson, descriptor)
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
        "japanese": japanese,
        "language": language,
        "quotes": ("「", "」") if japanese else ("“", "”"),
        "list_sep": "、" if japanese else ", ",
        "jlpt": jlpt_level,
        "lesson_criteria": lesson_criteria(
            lesson.plan, inter if isinstance(inter, InteractionStage) else None
        ),
    }
