"""Brand rules: the hits left on each draft, the automatic fixes, and the automatic revisions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("drafts") as table:
        table.add_column(sa.Column("alerts", sa.JSON, nullable=False, server_default="[]"))
        table.add_column(sa.Column("fixes", sa.JSON, nullable=False, server_default="[]"))
        table.add_column(sa.Column("auto_revisions", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as table:
        for column in ("auto_revisions", "fixes", "alerts"):
            table.drop_column(column)
