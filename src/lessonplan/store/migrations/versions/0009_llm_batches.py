"""Batches sent to provider Batch APIs (id, provider, custom_ids, status), for resumed polling.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "llm_batches",
        sa.Column("id", BigID, primary_key=True, autoincrement=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("batch_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("custom_ids", JSONType, nullable=False),
        sa.Column("ids_hash", sa.String(64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_llm_batches"),
        sa.UniqueConstraint("provider", "batch_id", name="uq_llm_batches_provider_batch_id"),
    )
    op.create_index("ix_llm_batches_status", "llm_batches", ["status"])
    op.create_index("ix_llm_batches_ids_hash", "llm_batches", ["ids_hash"])


def downgrade() -> None:
    op.drop_index("ix_llm_batches_ids_hash", table_name="llm_batches")
    op.drop_index("ix_llm_batches_status", table_name="llm_batches")
    op.drop_table("llm_batches")
