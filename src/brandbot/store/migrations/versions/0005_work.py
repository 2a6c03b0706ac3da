"""Work as data: slow work (draft, resume, ingest) and messages to people (the outbox) are rows,
written in the same transaction as the fact that caused them and claimed by any replica."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0005"
down_revision = "0004"


def _queue_table(name: str, *extra: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("request_id", sa.String(40), index=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("run_after", UTCDateTime(), nullable=False),
        sa.Column("owner", sa.String(120)),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("error", sa.Text),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        *extra,
    )
    op.create_index(f"ix_{name}_due", name, ["state", "run_after"])


def upgrade() -> None:
    _queue_table("work")
    _queue_table("outbox", sa.Column("messages", sa.JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("requests") as table:
        table.drop_column("heartbeat_at")
        table.drop_column("worker")


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("worker", sa.String(120)))
        table.add_column(sa.Column("heartbeat_at", UTCDateTime()))
    op.drop_table("outbox")
    op.drop_table("work")
