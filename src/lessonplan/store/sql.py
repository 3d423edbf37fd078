"""Table handles and dialect helpers shared by the repositories (nothing here runs a query)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, and_
from sqlalchemy.dialects import postgresql, sqlite

from lessonplan.domain.hashing import Lineage
from lessonplan.store import tables

descriptors = cast(Table, tables.Descriptor.__table__)
learners = cast(Table, tables.Learner.__table__)
cache = cast(Table, tables.PlanCache.__table__)
lineages = cast(Table, tables.PlanLineage.__table__)
versions = cast(Table, tables.PlanVersionRow.__table__)
lessons = cast(Table, tables.LessonRow.__table__)
lesson_versions = cast(Table, tables.LessonVersionRow.__table__)
lesson_reviews = cast(Table, tables.LessonReviewRow.__table__)
events = cast(Table, tables.GenerationEventRow.__table__)
event_rollups = cast(Table, tables.EventRollup.__table__)
quality_code_rollups = cast(Table, tables.QualityCodeRollup.__table__)
latency_rollups = cast(Table, tables.LatencyRollup.__table__)
llm_batches = cast(Table, tables.LLMBatchRow.__table__)


def insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ``ON CONFLICT`` on the given backend."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def lineage_match(table: Table, lineage: Lineage) -> Any:
    return and_(
        table.c.can_do_id == lineage.can_do_id,
        table.c.profile_hash == lineage.profile_fingerprint,
        table.c.kit_hash == lineage.kit_fingerprint,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
