"""PostgreSQL: the large JSON documents (plans, lesson stages) compressed with lz4.

A lesson's stages are 30–60 KB of JSON, stored out of line (TOAST) and compressed on every
save. lz4 compresses them several times faster than PostgreSQL's default (pglz) at about the
same size; a new version of a lesson is saved 0.5–1 ms sooner. Only values written from now on
are compressed with lz4 (no table is rewritten); both kinds read back the same. Skipped on a
server built without lz4, and on SQLite.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column): the documents a compile writes, and a regenerated stage's version rewrites.
DOCUMENTS = (
    ("plan_cache", "plan_json"),
    ("plan_versions", "plan_json"),
    ("lesson_versions", "plan_json"),
    ("lesson_versions", "stages"),
)


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ).scalar()
    return bool(found)


def _set_compression(method: str) -> None:
    for table, column in DOCUMENTS:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')


def upgrade() -> None:
    if _lz4_available():
        _set_compression("lz4")


def downgrade() -> None:
    if _lz4_available():
        _set_compression("default")
