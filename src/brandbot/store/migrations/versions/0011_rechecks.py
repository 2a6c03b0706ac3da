"""Re-checks of approved texts after a guideline or rules change, and what each found."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.create_table(
        "rechecks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("cause", sa.String(200), nullable=False),
        sa.Column("scope", sa.JSON, nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("checked", sa.Integer, nullable=False),
        sa.Column("cursor", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
    )
    op.create_table(
        "recheck_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recheck_id", sa.Integer, sa.ForeignKey("rechecks.id"), nullable=False, index=True),
        sa.Column("request_id", sa.String(40), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("revision_request_id", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("recheck_findings")
    op.drop_table("rechecks")
