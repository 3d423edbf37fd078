"""Cache entry cost, lesson inputs, event quality codes.

- ``plan_cache.cost_usd``: what the generation that made the entry cost, so a hit can report the
  spend it saved.
- ``lessons.profile_json`` / ``kit_json``: the profile and kit a lesson was compiled for, so a stage
  can be regenerated with the same inputs.
- ``generation_events.quality_codes``: the quality issue codes of a plan answer (stats by code).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("plan_cache") as batch:
        batch.add_column(sa.Column("cost_usd", sa.Float(), server_default="0", nullable=False))
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("profile_json", _json(), nullable=True))
        batch.add_column(sa.Column("kit_json", _json(), nullable=True))
    with op.batch_alter_table("generation_events") as batch:
        batch.add_column(sa.Column("quality_codes", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("generation_events") as batch:
        batch.drop_column("quality_codes")
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("kit_json")
        batch.drop_column("profile_json")
    with op.batch_alter_table("plan_cache") as batch:
        batch.drop_column("cost_usd")
