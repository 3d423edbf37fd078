"""The lesson: four stages compiled from a DomainPlan, each with its own status.

Stages cite the plan by grammar function id (``gf_001``) and by bucket item surface form, so a
check can tell whether a stage uses its plan. Target-language text is a :class:`TargetText`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.models import DomainPlan, Register
from lessonplan.domain.review import ReviewState

StageName = Literal["content", "comprehension", "production", "interaction"]
STAGES: tuple[StageName, ...] = ("content", "comprehension", "production", "interaction")
# Stages generated from the content stage (they read its dialogue and reading).
CONTENT_READERS: tuple[StageName, ...] = ("comprehension", "production", "interaction")
StageStatus = Literal["pending", "done", "failed"]
LessonStatus = Literal["complete", "partial", "failed"]


class FuriganaSegment(BaseModel):
    """A piece of a surface: a kanji run with its kana ``reading``, or kana/punctuation (None)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    text: str
    reading: str | None = None


class TargetText(BaseModel):
    """Target-language text: surface form, kana reading, romanisation, furigana and translation.

    Generators give ``surface`` and ``translation``; the Japanese text layer
    (:mod:`lessonplan.japanese`) derives ``reading``, ``romaji`` and ``furigana`` from the surface.
    """

    model_config = ConfigDict(extra="ignore")

    surface: str = Field(min_length=1)
    reading: str = ""
    romaji: str = ""
    translation: str = ""
    furigana: list[FuriganaSegment] = Field(default_factory=list)


# --- content ----------------------------------------------------------------------------------


class WordEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: TargetText
    bucket: str = ""
    part_of_speech: str = ""
    from_kit: bool = False
    # A word the learner already knows: kept in the lesson and recycled in practice.
    known: bool = False


class GrammarExplanation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    grammar_id: str
    pattern_ja: str
    explanation: str
    examples: list[TargetText] = Field(default_factory=list)


class DialogueTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    speaker: str
    register: Register = "polite"
    text: TargetText


class Dialogue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scenario: str
    setting: str = ""
    turns: list[DialogueTurn] = Field(min_length=2)


class Reading(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str
    title_en: str = ""
    # What the text is: a sign, a notice, a message, a forecast, a review, a speech...
    text_type: str = ""
    sentences: list[TargetText] = Field(min_length=1)


class CultureNote(BaseModel):
    model_config = ConfigDict(extra="ignore")

    theme_en: str
    theme_ja: str = ""
    body: str


LessonKind = Literal["dialogue_and_reading", "vocabulary_and_grammar"]


class ContentStage(BaseModel):
    """``lesson_kind`` says what the learner gets: a model dialogue and a reading, or (for a
    descriptor nobody wrote a lesson for) words and grammar with real example sentences, and then
    no dialogue rather than a fake one."""

    model_config = ConfigDict(extra="ignore")

    objective: str
    objective_ja: str = ""
    lesson_kind: LessonKind = "dialogue_and_reading"
    words: list[WordEntry] = Field(min_length=1)
    grammar: list[GrammarExplanation] = Field(min_length=1)
    dialogue: Dialogue | None = None
    reading: Reading
    culture_notes: list[CultureNote] = Field(default_factory=list)
    phrases: list[TargetText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dialogue_matches_kind(self) -> ContentStage:
        if self.lesson_kind == "dialogue_and_reading" and self.dialogue is None:
            raise ValueError("a dialogue_and_reading lesson needs a dialogue")
        return self


# --- comprehension ----------------------------------------------------------------------------


class ComprehensionQuestion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    source: Literal["dialogue", "reading"]
    kind: Literal["multiple_choice", "true_false", "short_answer"] = "multiple_choice"
    question: str
    options: list[str] = Field(default_factory=list)
    answer: str
    evidence: str = ""


class ComprehensionStage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    questions: list[ComprehensionQuestion] = Field(min_length=1)


# --- production -------------------------------------------------------------------------------


class ProductionTask(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    grammar_id: str
    instruction: str
    vocabulary: list[str] = Field(default_factory=list)
    model_answer: TargetText
    # Words the learner already knows that this task recycles.
    known_words: list[str] = Field(default_factory=list)


class ProductionStage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tasks: list[ProductionTask] = Field(min_length=1)


# --- interaction ------------------------------------------------------------------------------


class RolePlay(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    scenario: str
    # The card's own situation in a few words, when it is not the scenario's (a role-play takes
    # the dialogue's scenario further: "Stomach trouble after a trip"); the card's heading.
    title: str = ""
    setting: str = ""
    learner_role: str
    partner_role: str
    register: Register = Field(...)
    goal: str
    partner_lines: list[TargetText] = Field(default_factory=list)
    useful_expressions: list[TargetText] = Field(default_factory=list)
    grammar_ids: list[str] = Field(default_factory=list)
    success_criteria: list[str] = Field(min_length=1)


class InteractionStage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role_plays: list[RolePlay] = Field(min_length=1)


STAGE_MODELS: dict[StageName, type[BaseModel]] = {
    "content": ContentStage,
    "comprehension": ComprehensionStage,
    "production": ProductionStage,
    "interaction": InteractionStage,
}


class StageRecord(BaseModel):
    """One stage of a stored lesson: its data (when done), status, model and timings.

    The prompt is recorded by hash and template version, never by text.
    """

    status: StageStatus = "pending"
    data: dict[str, Any] | None = None
    source: str = ""
    model: str = ""
    prompt_hash: str = ""
    prompt_version: str = ""
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    error: str | None = None
    error_type: str | None = None
    quality_issues: list[QualityIssue] = Field(default_factory=list)


class Lesson(BaseModel):
    """A stored lesson version: the plan it was compiled from and its four stages.

    ``profile_hash`` and ``kit_hash`` hash the *whole* profile and kit the lesson was compiled
    for (its scope); the plan's lineage uses ``Lineage.profile_fingerprint`` instead.
    """

    lesson_id: str
    version: int
    can_do_id: str
    learner_id: str
    profile_hash: str
    kit_hash: str
    plan_version: int | None = None
    plan: DomainPlan
    plan_source: str = ""
    metalanguage: str = "en"
    status: LessonStatus = "complete"
    stages: dict[StageName, StageRecord]
    created_at: datetime | None = None
    quality_issues: list[QualityIssue] = Field(default_factory=list)
    # Where the version is in the review workflow: learners are served published versions only.
    review_state: ReviewState = "draft"

    def stage_data(self, name: StageName) -> BaseModel | None:
        record = self.stages.get(name)
        if record is None or record.data is None:
            return None
        return STAGE_MODELS[name].model_validate(record.data)


def lesson_status(stages: dict[StageName, StageRecord]) -> LessonStatus:
    statuses = [stages[name].status if name in stages else "pending" for name in STAGES]
    if all(s == "done" for s in statuses):
        return "complete"
    if any(s == "done" for s in statuses):
        return "partial"
    return "failed"
