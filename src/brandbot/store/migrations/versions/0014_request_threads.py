"""A request's Slack thread as indexed columns, filled in from `reply_to` for the requests already
there: a reply in any thread the bot is in looks its requests up by them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"

_requests = sa.table(
    "requests",
    sa.column("reply_to", sa.JSON),
    sa.column("thread_channel", sa.Text),
    sa.column("thread_ts", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("thread_channel", sa.Text))
        table.add_column(sa.Column("thread_ts", sa.Text))
    op.create_index("ix_requests_thread", "requests", ["thread_channel", "thread_ts"])
    channel = _requests.c.reply_to["channel"].as_string()
    thread_ts = _requests.c.reply_to["thread_ts"].as_string()
    op.execute(
        _requests.update()
        .where(channel.is_not(None), thread_ts.is_not(None))
        .values(thread_channel=channel, thread_ts=thread_ts)
    )


def downgrade() -> None:
    op.drop_index("ix_requests_thread", "requests")
    with op.batch_alter_table("requests") as table:
        table.drop_column("thread_ts")
        table.drop_column("thread_channel")
