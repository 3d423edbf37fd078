"""Review states of lesson versions and their history.

Versions stored before this revision were already served to learners, so they are marked
``published`` (with a history row saying the migration did it): upgrading takes nothing away from
learners. Versions stored after it start as ``draft``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lesson_versions") as batch:
        batch.add_column(
            sa.Column("review_state", sa.String(16), nullable=False, server_default="draft")
        )
    reviews = op.create_table(
        "lesson_reviews",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "lesson_id",
            sa.String(64),
            sa.ForeignKey("lessons.lesson_id", name="fk_lesson_reviews_lesson_id_lessons"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lesson_reviews"),
    )
    op.create_index("ix_lesson_reviews_lesson", "lesson_reviews", ["lesson_id", "version"])
    bind = op.get_bind()
    existing = bind.execute(sa.text("SELECT lesson_id, version FROM lesson_versions")).all()
    if existing:
        bind.execute(sa.text("UPDATE lesson_versions SET review_state = 'published'"))
        now = datetime.now(UTC)
        if bind.dialect.name == "sqlite":
            now = now.replace(tzinfo=None)
        op.bulk_insert(
            reviews,
            [
                {
                    "lesson_id": row.lesson_id,
                    "version": row.version,
                    "from_state": None,
                    "to_state": "published",
                    "actor": "migration 0007 (served to learners before reviews existed)",
                    "note": None,
                    "at": now,
                }
                for row in existing
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_lesson_reviews_lesson", table_name="lesson_reviews")
    op.drop_table("lesson_reviews")
    with op.batch_alter_table("lesson_versions") as batch:
        batch.drop_column("review_state")
