"""Catalog search: folded topic, skill, source and text columns beside each descriptor, so
``catalog list --query/--topic/--skill/--source`` and ``GET /cando`` filter in SQL.

Back-fills the descriptors already stored, in batches, with the same folding the store uses on
insert (:func:`lessonplan.catalog.search.index_columns`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("descriptors") as batch:
        batch.add_column(sa.Column("topic_key_ja", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("topic_key_en", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("skill", sa.String(64), server_default="", nullable=False))
        batch.add_column(sa.Column("source_key", sa.String(200), server_default="", nullable=False))
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch.create_index("ix_descriptors_skill", ["skill"])
        batch.create_index("ix_descriptors_source_key", ["source_key"])
    _backfill()


def _backfill() -> None:
    from lessonplan.catalog.search import index_columns
    from lessonplan.domain.models import CanDoDescriptor

    table = sa.table(
        "descriptors",
        sa.column("uid", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("topic_key_ja", sa.Text()),
        sa.column("topic_key_en", sa.Text()),
        sa.column("skill", sa.String()),
        sa.column("source_key", sa.String()),
        sa.column("search_text", sa.Text()),
    )
    bind = op.get_bind()
    after = ""
    while True:
        rows = bind.execute(
            sa.select(table.c.uid, table.c.data)
            .where(table.c.uid > after)
            .order_by(table.c.uid)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        for uid, data in rows:
            columns = index_columns(CanDoDescriptor.model_validate(data))
            bind.execute(sa.update(table).where(table.c.uid == uid).values(**columns))
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("descriptors") as batch:
        batch.drop_index("ix_descriptors_source_key")
        batch.drop_index("ix_descriptors_skill")
        for name in ("search_text", "source_key", "skill", "topic_key_en", "topic_key_ja"):
            batch.drop_column(name)
