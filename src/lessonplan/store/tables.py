"""The database tables, as SQLAlchemy 2 typed declarative classes.

One schema serves PostgreSQL (the production store: JSONB, ``timestamptz``) and SQLite (the
embedded default). Only :mod:`lessonplan.store.repository` queries these tables; the Alembic
migrations under ``migrations/`` create them, and a test checks that both agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")

# SQLite has no autoincrementing BIGINT: only ``INTEGER PRIMARY KEY`` is a rowid alias.
BigID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores ``timestamptz``. SQLite has no time zone type, so values are stored as naive
    UTC text (which sorts and compares correctly) and read back as aware UTC. Naive datetimes are
    refused: guessing their zone is how timestamps silently go wrong.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


class Descriptor(Base):
    """The Can-Do catalog; ``data`` holds the full descriptor."""

    __tablename__ = "descriptors"

    uid: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[str] = mapped_column(String(2), index=True)
    topic_en: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    # Folded copies of what the catalog is searched and filtered by (lessonplan.catalog.search).
    topic_key_ja: Mapped[str] = mapped_column(Text, default="", server_default="")
    topic_key_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    skill: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    source_key: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class Learner(Base):
    __tablename__ = "learners"

    learner_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    profile: Mapped[dict[str, Any]]
    profile_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanCache(Base):
    """One cached plan per full key (``key_hash``); the key's parts kept for lookups and stats."""

    __tablename__ = "plan_cache"
    __table_args__ = (
        Index("ix_plan_cache_lookup", "can_do_id", "profile_hash", "kit_hash"),
        Index("ix_plan_cache_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    can_do_id: Mapped[str] = mapped_column(String(200))
    profile_hash: Mapped[str] = mapped_column(String(64))
    kit_hash: Mapped[str] = mapped_column(String(64))
    descriptor_hash: Mapped[str] = mapped_column(String(64))
    metalanguage: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(64))
    schema_version: Mapped[str] = mapped_column(String(64))
    plan_json: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(32))
    plan_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    hits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_used_at: Mapped[datetime | None]
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class PlanLineage(Base):
    """One row per (descriptor, profile, kit): the version counter and the active version."""

    __tablename__ = "plan_lineages"
    __table_args__ = (UniqueConstraint("can_do_id", "profile_hash", "kit_hash"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    can_do_id: Mapped[str] = mapped_column(String(200))
    profile_hash: Mapped[str] = mapped_column(String(64))
    kit_hash: Mapped[str] = mapped_column(String(64))
    last_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanVersionRow(Base):
    """Append-only plan history: the repository never updates or deletes these rows."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("lineage_id", "version"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    lineage_id: Mapped[int] = mapped_column(BigID, ForeignKey("plan_lineages.id"))
    can_do_id: Mapped[str] = mapped_column(String(200))
    profile_hash: Mapped[str] = mapped_column(String(64))
    kit_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    plan_json: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(32))
    parent_version: Mapped[int | None] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(64))
    quality_issues: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class LessonRow(Base):
    """One lesson per (descriptor, learner, profile, kit); ``latest_version`` is its counter."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("can_do_id", "learner_id", "profile_hash", "kit_hash"),)

    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    can_do_id: Mapped[str] = mapped_column(String(200))
    learner_id: Mapped[str] = mapped_column(String(200), index=True)
    profile_hash: Mapped[str] = mapped_column(String(64))
    kit_hash: Mapped[str] = mapped_column(String(64))
    latest_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    profile_json: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    kit_json: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class LessonVersionRow(Base):
    """A stored lesson version: the plan it was compiled from and each stage with its status."""

    __tablename__ = "lesson_versions"
    __table_args__ = (
        UniqueConstraint("lesson_id", "version"),
        CheckConstraint("status IN ('complete', 'partial', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    lesson_id: Mapped[str] = mapped_column(String(64), ForeignKey("lessons.lesson_id"))
    version: Mapped[int] = mapped_column(Integer)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    plan_json: Mapped[dict[str, Any]]
    plan_source: Mapped[str] = mapped_column(String(32))
    metalanguage: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    stages: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    quality_issues: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    # The version's review state now; its history is in ``lesson_reviews``.
    review_state: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")


class LessonReviewRow(Base):
    """One change of a lesson version's review state (append-only: the history)."""

    __tablename__ = "lesson_reviews"
    __table_args__ = (Index("ix_lesson_reviews_lesson", "lesson_id", "version"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    lesson_id: Mapped[str] = mapped_column(String(64), ForeignKey("lessons.lesson_id"))
    version: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class GenerationEventRow(Base):
    """One generation step (plan or stage), its outcome, tokens and cost: the metrics' source."""

    __tablename__ = "generation_events"

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    operation: Mapped[str] = mapped_column(String(64), index=True)
    can_do_id: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(32))
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    cost_saved_usd: Mapped[float] = mapped_column(Float, default=0.0)
    error_type: Mapped[str | None] = mapped_column(String(64))
    quality_issue_count: Mapped[int] = mapped_column(Integer, default=0)
    quality_codes: Mapped[list[str] | None] = mapped_column(JSONType)
    cached_prompt_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class EventRollup(Base):
    """Per hour and (operation, outcome, error type): how many events and their sums.

    Kept in the transaction that inserts the events, so ``stats`` reads these few rows instead of
    every event. ``error_type`` is ``""`` for none (NULLs would never conflict in the unique key).
    """

    __tablename__ = "event_rollups"
    __table_args__ = (UniqueConstraint("hour", "operation", "outcome", "error_type"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    hour: Mapped[datetime]
    operation: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    error_type: Mapped[str] = mapped_column(String(64), default="")
    events: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    cost_saved_usd: Mapped[float] = mapped_column(Float, default=0.0)
    quality_issue_count: Mapped[int] = mapped_column(BigInteger, default=0)
    cached_prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class QualityCodeRollup(Base):
    """Per hour and operation: how often each quality code was recorded."""

    __tablename__ = "quality_code_rollups"
    __table_args__ = (UniqueConstraint("hour", "operation", "code"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    hour: Mapped[datetime]
    operation: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    events: Mapped[int] = mapped_column(BigInteger, default=0)


class LatencyRollup(Base):
    """Per hour and plan-answer outcome: a latency histogram (log buckets, see ``rollups``)."""

    __tablename__ = "latency_rollups"
    __table_args__ = (UniqueConstraint("hour", "operation", "outcome", "bucket"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    hour: Mapped[datetime]
    operation: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    bucket: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(BigInteger, default=0)


metadata = Base.metadata


class LLMBatchRow(Base):
    """One batch sent to a provider's Batch API: enough to resume polling it after a crash."""

    __tablename__ = "llm_batches"
    __table_args__ = (UniqueConstraint("provider", "batch_id"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), index=True)
    custom_ids: Mapped[list[str]] = mapped_column(JSONType)
    ids_hash: Mapped[str] = mapped_column(String(64), index=True)
    items: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PrecompileRun(Base):
    """A queued precompile run (``precompile --queue``): its jobs are ``precompile_jobs``."""

    __tablename__ = "precompile_runs"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    total: Mapped[int] = mapped_column(Integer, server_default="0")
    lessons: Mapped[bool] = mapped_column(Boolean, server_default=false())
    max_cost_usd: Mapped[float | None] = mapped_column(Float)
    stopped_reason: Mapped[str | None] = mapped_column(Text)


class PrecompileJob(Base):
    """One key of a run: ``pending``, ``done``, ``failed`` or ``cancelled``, and its cost."""

    __tablename__ = "precompile_jobs"
    __table_args__ = (Index("ix_precompile_jobs_key_state", "job_key", "state"),)

    run_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("precompile_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    job_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    can_do_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(32))
    cost_usd: Mapped[float] = mapped_column(Float, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class RateBucket(Base):
    """A shared token bucket per ``provider:model`` (``LESSONPLAN_RATE_LIMITS``); times are
    epoch seconds of the database server's clock."""

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    requests: Mapped[float] = mapped_column(Float)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    blocked_until: Mapped[float] = mapped_column(Float, server_default="0")
