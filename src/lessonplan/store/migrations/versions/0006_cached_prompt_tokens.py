"""Prompt tokens served from the provider's prompt cache, per event and in the hourly rollups.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("generation_events") as batch:
        batch.add_column(
            sa.Column("cached_prompt_tokens", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("event_rollups") as batch:
        batch.add_column(
            sa.Column("cached_prompt_tokens", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("event_rollups") as batch:
        batch.drop_column("cached_prompt_tokens")
    with op.batch_alter_table("generation_events") as batch:
        batch.drop_column("cached_prompt_tokens")
