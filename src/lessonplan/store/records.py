"""What the repository returns (and, for events, accepts): plain values, never ORM rows.

Callers never hold a database row, so nothing lazy-loads after its session is gone and the service
layer does not depend on SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lessonplan.domain.hashing import Lineage
from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.models import DomainPlan


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A plan cache row. ``expired`` is relative to the ``now`` the caller passed."""

    key_hash: str
    can_do_id: str
    profile_hash: str
    kit_hash: str
    model: str
    prompt_version: str
    plan: DomainPlan
    source: str
    plan_version: int | None
    created_at: datetime
    expires_at: datetime
    hits: int
    last_used_at: datetime | None
    expired: bool
    cost_usd: float = 0.0


@dataclass(frozen=True, slots=True)
class CachedPlanText:
    """A live plan cache row as the HTTP fast lane serves it: the plan as its stored JSON text
    (checked when it was stored), not parsed, and what its provenance needs."""

    key_hash: str
    model: str
    prompt_version: str
    plan_text: str
    plan_version: int | None
    created_at: datetime
    cost_usd: float = 0.0


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """One entry of a lineage's append-only history."""

    can_do_id: str
    profile_hash: str
    kit_hash: str
    version: int
    plan: DomainPlan
    source: str
    parent_version: int | None
    model: str
    prompt_version: str
    quality_issues: list[QualityIssue]
    note: str | None
    created_at: datetime
    is_active: bool

    @property
    def lineage(self) -> Lineage:
        return Lineage(self.can_do_id, self.profile_hash, self.kit_hash)


@dataclass(frozen=True, slots=True)
class LineageRecord:
    """The state of one lineage's plan history: its counter and active version."""

    can_do_id: str
    profile_hash: str
    kit_hash: str
    last_version: int
    active_version: int | None
    created_at: datetime

    @property
    def lineage(self) -> Lineage:
        return Lineage(self.can_do_id, self.profile_hash, self.kit_hash)


@dataclass(frozen=True, slots=True)
class GenerationEvent:
    """One generation step (``operation`` ``"plan"`` or ``"stage:<name>"``) and what it cost.

    ``outcome`` is ``ok`` or an error code for generations, ``hit``/``stale_hit``/``reused`` for
    answers that needed no generation. ``id`` is set on events read back from the store.
    """

    at: datetime
    operation: str
    can_do_id: str
    outcome: str
    key_hash: str | None = None
    provider: str = ""
    model: str = ""
    source: str | None = None
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_saved_usd: float = 0.0
    error_type: str | None = None
    quality_issue_count: int = 0
    quality_codes: list[str] | None = None
    id: int | None = None
    cached_prompt_tokens: int = 0  # of prompt_tokens, served from the provider's prompt cache


@dataclass(frozen=True, slots=True)
class LessonSummary:
    """A lesson's latest version, without its stages (for listings)."""

    lesson_id: str
    version: int
    can_do_id: str
    learner_id: str
    status: str
    plan_version: int | None
    updated_at: datetime
    review_state: str = "draft"


@dataclass(frozen=True, slots=True)
class LessonVersionSummary:
    """One version of a lesson, without its stages: for version pickers and review queues."""

    version: int
    review_state: str
    status: str
    plan_version: int | None
    plan_source: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counts over the plan cache at one instant: ``entries == live + expired``."""

    entries: int
    live: int
    expired: int
    total_hits: int
    by_model: dict[str, int] = field(default_factory=dict)
