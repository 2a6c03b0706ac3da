"""Answers to guideline questions, and the Helpful / Not right verdicts people gave them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.models import UTCDateTime

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("asker", sa.String(200), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("covered", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(30)),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("model", sa.String(200)),
        sa.Column("retrieval_ms", sa.Float, nullable=False),
        sa.Column("llm_ms", sa.Float, nullable=False),
        sa.Column("total_ms", sa.Float, nullable=False),
        sa.Column("reply_to", sa.JSON),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.Integer, sa.ForeignKey("answers.id"), nullable=False, index=True),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("answer_id", "user", name="uq_answer_feedback_answer_user"),
    )


def downgrade() -> None:
    op.drop_table("answer_feedback")
    op.drop_table("answers")
