"""The offline planner: deterministic plans and stages from curriculum data bundled in the package.

It is not an LLM and never says it is one. It serves the embedded default
(``LESSONPLAN_LLM=offline``) and the last fallback of an LLM deployment, so its plans meet every
SPEC §4 range for any descriptor, and the learner's profile and pre-lesson kit change them in
visible, repeatable ways.
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
from lessonplan.planners.offline.content import build_comprehension, build_content
from lessonplan.planners.offline.data import load_catalog, load_curriculum
from lessonplan.planners.offline.plan import build_plan
from lessonplan.planners.offline.practice import build_interaction, build_production

OFFLINE_PLANNER_VERSION = "offline-1"
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
        return build_plan(descriptor, profile, kit, load_curriculum())

    def content(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> ContentStage:
        return build_content(plan, kit, load_curriculum())

    def comprehension(
        self,
        *,
        plan: DomainPlan,
        content: ContentStage,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        metalanguage: str = "en",
    ) -> ComprehensionStage:
        return build_comprehension(content.dialogue, content.reading, content.words)

    def production(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> ProductionStage:
        return build_production(plan, kit, load_curriculum())

    def interaction(
        self,
        *,
        plan: DomainPlan,
        descriptor: CanDoDescriptor,
        profile: LearnerProfile,
        kit: PrelessonKit,
        metalanguage: str = "en",
    ) -> InteractionStage:
        return build_interaction(plan, kit, load_curriculum())

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
            result = build_comprehension(
                Dialogue.model_validate(raw["dialogue"]),
                Reading.model_validate(raw["reading"]),
                [WordEntry.model_validate(w) for w in raw.get("words") or []],
            )
        elif task == "production":
            result = self.production(**common, kit=kit, metalanguage=metalanguage)
        else:
            result = self.interaction(**common, kit=kit, metalanguage=metalanguage)
        return result.model_dump(mode="json")
