"""Work as data: slow work (draft, resume, ingest) and messages to people (the outbox) are rows,
written in the same transaction as the fact that caused them and claimed by any replica.
Requests an older version was still drafting get their work row here, so the new one finishes them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0005"
down_revision = "0004"


def _queue_table(name: str, *extra: sa.Column) -> sa.Table:  # type: ignore[type-arg]
    table = op.create_table(
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
    return table


def upgrade() -> None:
    work = _queue_table("work")
    _queue_table("outbox", sa.Column("messages", sa.JSON, nullable=False, server_default="{}"))
    unfinished = op.get_bind().execute(sa.text("SELECT id FROM requests WHERE status IN ('received', 'drafting')"))
    now = datetime.now(UTC)
    rows = [
        {"kind": "draft", "key": f"draft:{request_id}", "request_id": request_id, "payload": {}, "state": "queued"}
        | {"attempts": 0, "run_after": now, "created_at": now}
        for (request_id,) in unfinished
    ]
    if rows:
        op.bulk_insert(work, rows)
    with op.batch_alter_table("requests") as table:
        table.drop_column("heartbeat_at")
        table.drop_column("worker")


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("worker", sa.String(120)))
        table.add_column(sa.Column("heartbeat_at", UTCDateTime()))
    op.drop_table("outbox")
    op.drop_table("work")
