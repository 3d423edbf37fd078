"""Lesson-level quality issues (kit requirements across the whole lesson) on each version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("lesson_versions") as batch:
        batch.add_column(sa.Column("quality_issues", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lesson_versions") as batch:
        batch.drop_column("quality_issues")
