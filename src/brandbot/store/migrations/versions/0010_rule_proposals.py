"""Brand rules proposed from reviewers' edits and change requests, and the admin's decision on each."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "rule_proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(240), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("phrase", sa.String(100), nullable=False),
        sa.Column("replacement", sa.String(100), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("backtest", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("rule_id", sa.String(200)),
        sa.Column("rules_version", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("rule_proposals")
