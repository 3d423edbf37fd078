"""The offline planner: lessons from a library of authored lessons bundled in the package.

It is not an LLM and never says it is one. It serves the embedded default
(``LESSONPLAN_LLM=offline``) and the last fallback of an LLM deployment. Every bundled descriptor
has an authored lesson (``lessons/*.json``, see ``lessons/FORMAT.md``); the learner's profile
and kit select and order among its checked variants and never rewrite a sentence. A descriptor
without one gets an honest vocabulary-and-grammar lesson built from real example sentences.
Same inputs, byte-identical outputs; a stage regenerated offline is the same authored content.
Pure: the only I/O is reading the bundled JSON files, once per process.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from lessonplan.domain.lesson import (
    ComprehensionStage,
    ContentStage,
    Dialogue,
    InteractionStage,
    ProductionStage,
    Reading,
    WordEntry,
)
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.planners.offline import authored_stages, generic
from lessonplan.planners.offline.authored import AuthoredLesson
from lessonplan.planners.offline.authored_plan import build_authored_plan
from lessonplan.planners.offline.choose import choose, known_words
from lessonplan.planners.offline.data import load_catalog, load_curriculum
from lessonplan.planners.offline.generic_plan import build_plan as build_generic_plan
from lessonplan.planners.offline.generic_plan import english_quotes
from lessonplan.planners.offline.library import authored_lesson

OFFLINE_PLANNER_VERSION = "offline-2"
OFFLINE_PROFILE_ID = "offline"
TASKS = ("plan", "content", "comprehension", "production", "interaction")

__all__ = ["OFFLINE_PLANNER_VERSION", "TASKS", "OfflinePlanner", "load_catalog"]


def _profile(raw: dict[str, Any] | None) -> LearnerProfile:
    """A profile from its prompt projection, which carries no ``learner_id``."""
    data = dict(raw or {})
    data.setdefault("learner_id", OFFLINE_PROFILE_ID)
    return LearnerProfile.model_validate(data)


def _kit(raw: dict[str, Any] | None) -> PrelessonKit:
    """A kit from its prompt block. A compact block lists only required items and may omit
    ``requirements``: then everything it lists is required."""
    data = dict(raw or {})
    if "requirements" not in data:
        data["requirements"] = {
            "min_words": len(data.get("words") or []),
            "min_grammar": len(data.get("grammar") or []),
            "min_phrases": len(data.get("phrases") or []),
        }
    return PrelessonKit.model_validate(data)


def lesson_for(descriptor: CanDoDescriptor) -> AuthoredLesson | None:
    """The authored lesson of a descriptor, unless an import reuses its id at another level."""
    lesson = authored_lesson(descriptor.uid)
    return lesson if lesson is not None and lesson.level == descriptor.level else None


def _authored_for_plan(descriptor: CanDoDescriptor, plan: DomainPlan) -> AuthoredLesson | None:
    """The authored lesson when the plan was made from it (not an LLM plan, say)."""
    lesson = lesson_for(descriptor)
    return lesson if lesson is not None and authored_stages.follows_plan(lesson, plan) else None


class OfflinePlanner:
    """Plans and stages without a model. Same inputs, byte-identical outputs."""

    version: str = OFFLINE_PLANNER_VERSION

    def plan(
        self,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        *,
        metalanguage: str = "en",
    ) -> DomainPlan:
        """The plan for one descriptor and learner (translations stay English for now)."""
        if not descriptor.is_japanese:
            raise ValueError(
                f"the offline planner's curriculum is Japanese; {descriptor.uid!r} teaches "
                f"{descriptor.target_language!r}"
            )
        lesson = lesson_for(descriptor)
        if lesson is None:
            return build_generic_plan(descriptor, profile, kit, load_curriculum())
        return build_authored_plan(lesson, descriptor, choose(lesson, profile), kit)

    def content(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> ContentStage:
        known = known_words(profile)
        lesson = _authored_for_plan(descriptor, plan)
        if lesson is None:
            return generic.build_content(
                plan, kit, known, load_curriculum(), english_quotes=english_quotes(descriptor)
            )
        return authored_stages.build_content(lesson, plan, kit, known)

    def comprehension(
        self,
        *,
        plan: DomainPlan,
        content: ContentStage,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        metalanguage: str = "en",
    ) -> ComprehensionStage:
        return self._comprehension(descriptor, content.dialogue, content.reading, content.words)

    def _comprehension(
        self,
        descriptor: CanDoDescriptor,
        dialogue: Dialogue | None,
        reading: Reading,
        words: list[WordEntry],
    ) -> ComprehensionStage:
        lesson = lesson_for(descriptor)
        stage = None
        if lesson is not None:
            stage = authored_stages.build_comprehension(lesson, dialogue, reading)
        return stage or generic.build_comprehension(reading, words)

    def production(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> ProductionStage:
        known = known_words(profile)
        lesson = _authored_for_plan(descriptor, plan)
        if lesson is None:
            return generic.build_production(plan, kit, known)
        return authored_stages.build_production(lesson, plan, kit, known)

    def interaction(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> InteractionStage:
        lesson = _authored_for_plan(descriptor, plan)
        if lesson is None:
            return generic.build_interaction(plan, kit, english_quotes=english_quotes(descriptor))
        return authored_stages.build_interaction(lesson, plan)

    def answer(self, task: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """Answer one task from the JSON inputs a prompt carries (the provider's entry point)."""
        if task not in TASKS:
            raise ValueError(
                f"offline planner: unknown task {task!r}; expected one of {', '.join(TASKS)}"
            )
        descriptor = CanDoDescriptor.model_validate(inputs["descriptor"])
        profile = _profile(inputs.get("profile"))
        kit = _kit(inputs.get("kit"))
        metalanguage = str(inputs.get("metalanguage") or "en")
        result: BaseModel
        if task == "plan":
            result = self.plan(descriptor, profile, kit, metalanguage=metalanguage)
            return result.model_dump(mode="json")
        plan = DomainPlan.model_validate(inputs["plan"])
        common: dict[str, Any] = {"plan": plan, "descriptor": descriptor, "profile": profile}
        if task == "content":
            result = self.content(**common, kit=kit, metalanguage=metalanguage)
        elif task == "comprehension":
            # The comprehension prompt may carry only the dialogue, the reading and the words.
            raw = inputs["content"]
            dialogue = raw.get("dialogue")
            result = self._comprehension(
                descriptor,
                None if dialogue is None else Dialogue.model_validate(dialogue),
                Reading.model_validate(raw["reading"]),
                [WordEntry.model_validate(w) for w in raw.get("words") or []],
            )
        elif task == "production":
            result = self.production(**common, kit=kit, metalanguage=metalanguage)
        else:
            result = self.interaction(**common, kit=kit, metalanguage=metalanguage)
        return result.model_dump(mode="json")
