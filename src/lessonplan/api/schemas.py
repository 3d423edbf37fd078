"""Request and response bodies of the HTTP API, kept apart from the tables and the services.

Requests forbid unknown fields (a typo is a 422, not a silently ignored option) and refuse NUL
characters and lone surrogates anywhere in their strings (no store column or hash can hold
them) and absurdly deep nesting. Responses reuse the
domain values (``DomainPlan``, ``Lesson``, ``PlanProvenance``) and wrap them with what a client
needs beside them: where the plan came from, timings and the plan lineage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ModelWrapValidatorHandler, model_validator

from lessonplan.api.deps import ID_PATTERN
from lessonplan.domain.diff import PlanDiff
from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import Lesson as StoredLesson
from lessonplan.domain.lesson import StageName, StageStatus
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    PlanProvenance,
    PlanSource,
    PrelessonKit,
)
from lessonplan.domain.review import MAX_ACTOR_CHARS, MAX_NOTE_CHARS, ReviewState
from lessonplan.domain.textcheck import validate_checked

LearnerIdField = Field(default=None, min_length=1, max_length=200, pattern=ID_PATTERN)


class RequestBody(BaseModel):
    """Base of every request body: unknown fields, NUL characters, lone surrogates and JSON
    nested deeper than ``MAX_JSON_DEPTH`` are refused (checked without recursion)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _no_bad_text(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        return validate_checked(data, handler)  # once: the nested profile and kit skip it


class InputsBody(RequestBody):
    """Who and what a plan is for: an inline ``profile`` or a stored one by ``learner_id``.

    Neither: the anonymous profile. Both: the inline profile is used, and its ``learner_id``
    must equal the one given (else 422), so a request never mixes two learners.
    """

    profile: LearnerProfile | None = None
    learner_id: str | None = LearnerIdField
    kit: PrelessonKit | None = None

    @model_validator(mode="after")
    def _one_learner(self) -> InputsBody:
        if (
            self.profile is not None
            and self.learner_id is not None
            and self.profile.learner_id != self.learner_id
        ):
            raise ValueError("learner_id differs from profile.learner_id; give one learner")
        return self


class PlanRequest(InputsBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"profile": {"learner_id": "maria", "current_level": "A1"}, "use_cache": True},
                {"learner_id": "maria", "kit": {"words": [{"surface": "熱", "reading": "ねつ"}]}},
            ]
        }
    )

    use_cache: bool = Field(default=True, description="false: bypass plan cache reads")


class CompileRequest(PlanRequest):
    pass


class RegenerateRequest(RequestBody):
    new_plan: bool = Field(default=False, description="make a new plan version first")
    learner_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=ID_PATTERN,
        description="when given, a lesson of another learner is 404",
    )


class RollbackRequest(InputsBody):
    version: int = Field(ge=1, le=2**31 - 1, description="the version to copy as a new one")


class ManualEditRequest(InputsBody):
    plan: dict[str, Any] = Field(description="the edited DomainPlan (uid, level, ids are reset)")
    note: str | None = Field(default=None, max_length=500)


class ProfileBody(LearnerProfile):
    """A learner profile whose ``learner_id`` may be left out (the path gives it)."""

    learner_id: str | None = LearnerIdField  # type: ignore[assignment]


# --- responses ----------------------------------------------------------------------------------


class LineageOut(BaseModel):
    """The plan history a descriptor × profile × kit owns."""

    can_do_id: str
    profile_hash: str
    kit_hash: str


class PlanInfo(BaseModel):
    source: PlanSource
    provenance: PlanProvenance
    quality_issues: list[QualityIssue] = Field(default_factory=list)


class PlanResponse(BaseModel):
    can_do_id: str
    source: PlanSource
    provenance: PlanProvenance
    quality_issues: list[QualityIssue]
    timings_ms: dict[str, float]
    lineage: LineageOut
    plan: DomainPlan


class Lesson(StoredLesson):
    """A stored lesson as the API serves it: the version and the language its texts are in
    (its OpenAPI name stays ``Lesson``; the routes call it :data:`LessonOut`)."""

    target_language: str = Field(
        description="The descriptor's target language (`ja`, `es`, ...): every TargetText of "
        "the stages is in it (readings, furigana and romaji are Japanese only)."
    )

    @classmethod
    def of(cls, lesson: StoredLesson, target_language: str) -> Lesson:
        return cls(**dict(lesson), target_language=target_language)


LessonOut = Lesson


class CompileResponse(BaseModel):
    lesson_id: str
    version: int
    status: str
    source: PlanSource
    plan: PlanInfo
    timings_ms: dict[str, float]
    lesson: Lesson


class RegenerateResponse(BaseModel):
    lesson_id: str
    version: int
    stage: StageName
    stage_status: StageStatus
    plan_source: str
    plan_version: int | None
    timings_ms: dict[str, float]
    lesson: Lesson


class PlanVersionOut(BaseModel):
    version: int
    source: str
    parent_version: int | None
    model: str
    prompt_version: str
    quality_issues: list[QualityIssue]
    note: str | None
    created_at: datetime
    is_active: bool
    plan: DomainPlan


class VersionsResponse(BaseModel):
    lineage: LineageOut
    versions: list[PlanVersionOut]


class DiffResponse(BaseModel):
    lineage: LineageOut
    from_version: int
    to_version: int
    lines: list[str] = Field(description="one readable line per change")
    json_patch: list[dict[str, Any]] = Field(description="RFC 6902 patch from v1 to v2")
    diff: PlanDiff


class CacheInvalidated(BaseModel):
    deleted: int
    can_do_id: str | None


class StatsResponse(BaseModel):
    """Operator figures from the persisted generation events (see ``service.stats``)."""

    model_config = ConfigDict(extra="allow")

    plan_requests: int
    plan_requests_by_source: dict[str, int]
    cache_hits: int
    hit_rate: float
    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cost_saved_usd: float
    error_rate: float
    errors_by_type: dict[str, int]
    cache: dict[str, Any]


class Health(BaseModel):
    status: str
    database: str


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class Problem(BaseModel):
    """RFC 7807 problem details; ``code`` is the stable machine name."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str


class ValidationProblem(Problem):
    errors: list[FieldError]


class LessonSummaryOut(BaseModel):
    """One line of a learner's lesson list."""

    lesson_id: str
    version: int
    can_do_id: str
    learner_id: str
    status: Literal["complete", "partial", "failed"]
    plan_version: int | None
    updated_at: datetime
    review_state: ReviewState = "draft"


class LessonVersionOut(BaseModel):
    """One version of a lesson, without its stages."""

    version: int
    review_state: ReviewState
    status: Literal["complete", "partial", "failed"]
    plan_version: int | None
    plan_source: str
    created_at: datetime


class ReviewRequest(BaseModel):
    """Move a lesson version to another review state."""

    model_config = ConfigDict(extra="forbid")

    state: ReviewState = Field(description="the state to move to")
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="the version (the latest by default)"
    )
    note: str | None = Field(
        default=None, max_length=MAX_NOTE_CHARS, description="why: required to reject"
    )
    by: str | None = Field(
        default=None,
        max_length=MAX_ACTOR_CHARS,
        description="who is reviewing (a name), recorded beside the API key's label",
    )


class CatalogPage(BaseModel):
    """One page of the catalog (``GET /cando``): the descriptors, how many match in all, and
    the offset of the next page (``null`` on the last)."""

    items: list[CanDoDescriptor]
    total: int
    limit: int
    offset: int
    next_offset: int | None = None
