"""Several replicas: who works on a request (so a dead replica's work is picked up) and leases for
jobs that must run once across replicas."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("worker", sa.String(120)))
        table.add_column(sa.Column("heartbeat_at", UTCDateTime()))
    op.create_table(
        "leases",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leases")
    with op.batch_alter_table("requests") as table:
        table.drop_column("heartbeat_at")
        table.drop_column("worker")
