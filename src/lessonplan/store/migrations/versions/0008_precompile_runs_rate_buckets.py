"""Queued precompile runs (one row per run, one per job) and shared rate-limit buckets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

procrastinate's own schema (its jobs, workers and locks tables) is applied by
:func:`lessonplan.queue.app.ensure_queue_schema` on the first worker or ``--queue`` use, under an
advisory lock, because its SQL (functions, triggers) is not Alembic's to version.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "precompile_runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("lessons", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("max_cost_usd", sa.Float(), nullable=True),
        sa.Column("stopped_reason", sa.Text(), nullable=True),
    )
    op.create_table(
        "precompile_jobs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("job_key", sa.String(128), nullable=False),
        sa.Column("can_do_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),  # pending | done | failed | cancelled
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "job_key"),
        sa.ForeignKeyConstraint(["run_id"], ["precompile_runs.run_id"], ondelete="CASCADE"),
    )
    op.create_index("ix_precompile_jobs_key_state", "precompile_jobs", ["job_key", "state"])
    op.create_table(
        "rate_buckets",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("requests", sa.Float(), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),  # epoch seconds, the server's clock
        sa.Column("blocked_until", sa.Float(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
    op.drop_index("ix_precompile_jobs_key_state", table_name="precompile_jobs")
    op.drop_table("precompile_jobs")
    op.drop_table("precompile_runs")
