"""Per-person hourly budgets for what costs an LLM call (`store/budget.py`): one counter row per
person, kind and clock hour. The drafts each person asked for in the current hour are counted in,
so the hour of the upgrade does not start everyone's drafts budget afresh."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    budgets = op.create_table(
        "llm_budgets",
        sa.Column("person", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("window_start", UTCDateTime(), primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
    )
    requests = sa.table(
        "requests",
        sa.column("requester", sa.String),
        sa.column("origin", sa.String),
        sa.column("created_at", UTCDateTime()),
    )
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    drafts = (
        sa.select(
            requests.c.requester,
            sa.literal("draft", sa.String),
            sa.literal(hour, UTCDateTime()),
            sa.func.count(),
        )
        .where(requests.c.created_at >= hour, requests.c.origin != "import")
        .group_by(requests.c.requester)
    )
    op.execute(budgets.insert().from_select(["person", "kind", "window_start", "used"], drafts))


def downgrade() -> None:
    op.drop_table("llm_budgets")
