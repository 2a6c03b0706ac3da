"""Guideline passages held back at ingest for an admin's review."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "quarantined_chunks",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("doc_id", sa.String(200), nullable=False, index=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("chunk", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table("quarantined_chunks")
