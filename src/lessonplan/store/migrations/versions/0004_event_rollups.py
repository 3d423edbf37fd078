"""Hourly event rollups: what ``stats`` reads instead of every event.

``event_rollups`` (sums per hour, operation, outcome and error type), ``quality_code_rollups``
and ``latency_rollups`` (a log-bucket histogram of plan answers), back-filled from the events
already stored, in batches, with the same folding the store uses on insert.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 5000


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_rollups",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("hour", _ts(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("error_type", sa.String(64), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("prompt_tokens", sa.BigInteger(), nullable=False),
        sa.Column("completion_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("cost_saved_usd", sa.Float(), nullable=False),
        sa.Column("quality_issue_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_rollups"),
        sa.UniqueConstraint(
            "hour",
            "operation",
            "outcome",
            "error_type",
            name="uq_event_rollups_hour_operation_outcome_error_type",
        ),
    )
    op.create_table(
        "quality_code_rollups",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("hour", _ts(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quality_code_rollups"),
        sa.UniqueConstraint(
            "hour", "operation", "code", name="uq_quality_code_rollups_hour_operation_code"
        ),
    )
    op.create_table(
        "latency_rollups",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("hour", _ts(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_latency_rollups"),
        sa.UniqueConstraint(
            "hour",
            "operation",
            "outcome",
            "bucket",
            name="uq_latency_rollups_hour_operation_outcome_bucket",
        ),
    )
    _backfill()


def _backfill() -> None:
    """Fold the stored events into the new tables (through the store's own code, in batches)."""
    from lessonplan.store.records import GenerationEvent
    from lessonplan.store.rollups import Rollup
    from lessonplan.store.tables import GenerationEventRow, UTCDateTime

    bind = op.get_bind()
    events = GenerationEventRow.__table__
    fields = [
        "at",
        "operation",
        "outcome",
        "error_type",
        "latency_ms",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "cost_saved_usd",
        "quality_issue_count",
        "quality_codes",
    ]
    rollup = Rollup()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(events.c.id, *(events.c[name] for name in fields))
            .where(events.c.id > last_id)
            .order_by(events.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            rollup.add_event(GenerationEvent(can_do_id="", **{n: getattr(row, n) for n in fields}))
        last_id = rows[-1].id
    if not rollup.groups:
        return
    hour: sa.Column[datetime] = sa.Column("hour", UTCDateTime())
    groups = sa.table(
        "event_rollups",
        hour,
        *(
            sa.column(name)
            for name in (
                "operation",
                "outcome",
                "error_type",
                "events",
                "latency_ms",
                "prompt_tokens",
                "completion_tokens",
                "cost_usd",
                "cost_saved_usd",
                "quality_issue_count",
            )
        ),
    )
    bind.execute(
        groups.insert(),
        [
            {"hour": h, "operation": o, "outcome": oc, "error_type": et, **vars(t)}
            for (h, o, oc, et), t in sorted(rollup.groups.items())
        ],
    )
    if rollup.codes:
        codes = sa.table(
            "quality_code_rollups",
            sa.Column("hour", UTCDateTime()),
            sa.column("operation"),
            sa.column("code"),
            sa.column("events"),
        )
        bind.execute(
            codes.insert(),
            [
                {"hour": h, "operation": o, "code": c, "events": n}
                for (h, o, c), n in sorted(rollup.codes.items())
            ],
        )
    if rollup.latencies:
        latencies = sa.table(
            "latency_rollups",
            sa.Column("hour", UTCDateTime()),
            sa.column("operation"),
            sa.column("outcome"),
            sa.column("bucket"),
            sa.column("events"),
        )
        bind.execute(
            latencies.insert(),
            [
                {"hour": h, "operation": o, "outcome": oc, "bucket": b, "events": n}
                for (h, o, oc, b), n in sorted(rollup.latencies.items())
            ],
        )


def downgrade() -> None:
    op.drop_table("latency_rollups")
    op.drop_table("quality_code_rollups")
    op.drop_table("event_rollups")
