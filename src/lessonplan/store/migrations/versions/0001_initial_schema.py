"""Initial schema: catalog, learners, plan cache, plan lineages and versions, lessons, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Types are spelled out here rather than imported from ``tables.py`` so that this revision keeps
meaning what it meant when it was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "descriptors",
        sa.Column("uid", sa.String(200), nullable=False),
        sa.Column("level", sa.String(2), nullable=False),
        sa.Column("topic_en", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("uid", name="pk_descriptors"),
    )
    op.create_index("ix_descriptors_level", "descriptors", ["level"])

    op.create_table(
        "learners",
        sa.Column("learner_id", sa.String(200), nullable=False),
        sa.Column("profile", _json(), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("learner_id", name="pk_learners"),
    )

    op.create_table(
        "plan_cache",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("kit_hash", sa.String(64), nullable=False),
        sa.Column("descriptor_hash", sa.String(64), nullable=False),
        sa.Column("metalanguage", sa.String(32), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.String(64), nullable=False),
        sa.Column("plan_json", _json(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("expires_at", _ts(), nullable=False),
        sa.Column("hits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_used_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_plan_cache"),
        sa.UniqueConstraint("key_hash", name="uq_plan_cache_key_hash"),
    )
    op.create_index("ix_plan_cache_lookup", "plan_cache", ["can_do_id", "profile_hash", "kit_hash"])
    op.create_index("ix_plan_cache_expires_at", "plan_cache", ["expires_at"])

    op.create_table(
        "plan_lineages",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("kit_hash", sa.String(64), nullable=False),
        sa.Column("last_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active_version", sa.Integer(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_lineages"),
        sa.UniqueConstraint(
            "can_do_id",
            "profile_hash",
            "kit_hash",
            name="uq_plan_lineages_can_do_id_profile_hash_kit_hash",
        ),
    )

    op.create_table(
        "plan_versions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("lineage_id", _id(), nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("kit_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plan_json", _json(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("quality_issues", _json(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lineage_id"], ["plan_lineages.id"], name="fk_plan_versions_lineage_id_plan_lineages"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.UniqueConstraint("lineage_id", "version", name="uq_plan_versions_lineage_id_version"),
    )

    op.create_table(
        "lessons",
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("learner_id", sa.String(200), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("kit_hash", sa.String(64), nullable=False),
        sa.Column("latest_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("lesson_id", name="pk_lessons"),
        sa.UniqueConstraint(
            "can_do_id",
            "learner_id",
            "profile_hash",
            "kit_hash",
            name="uq_lessons_can_do_id_learner_id_profile_hash_kit_hash",
        ),
    )
    op.create_index("ix_lessons_learner_id", "lessons", ["learner_id"])

    op.create_table(
        "lesson_versions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("plan_json", _json(), nullable=False),
        sa.Column("plan_source", sa.String(32), nullable=False),
        sa.Column("metalanguage", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stages", _json(), nullable=False),
        sa.Column("created_at", _ts(), nullable=False),
        sa.CheckConstraint(
            "status IN ('complete', 'partial', 'failed')", name="ck_lesson_versions_status"
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.lesson_id"], name="fk_lesson_versions_lesson_id_lessons"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lesson_versions"),
        sa.UniqueConstraint("lesson_id", "version", name="uq_lesson_versions_lesson_id_version"),
    )

    op.create_table(
        "generation_events",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=True),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("cost_saved_usd", sa.Float(), nullable=False),
        sa.Column("error_type", sa.String(64), nullable=True),
        sa.Column("quality_issue_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_generation_events"),
    )
    op.create_index("ix_generation_events_at", "generation_events", ["at"])
    op.create_index("ix_generation_events_operation", "generation_events", ["operation"])


def downgrade() -> None:
    op.drop_table("generation_events")
    op.drop_table("lesson_versions")
    op.drop_table("lessons")
    op.drop_table("plan_versions")
    op.drop_table("plan_lineages")
    op.drop_table("plan_cache")
    op.drop_table("learners")
    op.drop_table("descriptors")
