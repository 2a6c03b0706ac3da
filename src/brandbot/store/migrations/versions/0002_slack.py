"""Slack: where requesters wait for news, where approval cards live, and events already handled."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("reply_to", sa.JSON))
    with op.batch_alter_table("drafts") as table:
        table.add_column(sa.Column("card", sa.JSON))
    op.create_table(
        "processed_events",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    with op.batch_alter_table("drafts") as table:
        table.drop_column("card")
    with op.batch_alter_table("requests") as table:
        table.drop_column("reply_to")
