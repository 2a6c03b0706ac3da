"""Answers to guideline questions as they were given, and what people said of them.

Each answer is kept with its citations and timings, so admins can see what staff ask, what the
bot said and where it could not help. Feedback is one verdict per person per answer (a later
click replaces it), and every verdict and forwarded question is in the audit log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from brandbot.store import audit
from brandbot.store.db import Database
from brandbot.store.models import Base, utcnow


class Verdict(enum.StrEnum):
    helpful = "helpful"
    not_right = "not_right"


class AnswerRecord(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """The work row's key (or the CLI run's): a question answered once however often its row runs."""
    asker: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    covered: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(30), default=None)
    """Why not covered (`workflow.answers.NotCovered`); for a covered answer quoted from the
    guidelines, why the model's own was not used; None for the model's answer."""
    citations: Mapped[list[Any]] = mapped_column(JSON)
    model: Mapped[str | None] = mapped_column(String(200), default=None)
    retrieval_ms: Mapped[float] = mapped_column(Float)
    llm_ms: Mapped[float] = mapped_column(Float)
    total_ms: Mapped[float] = mapped_column(Float)
    reply_to: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerFeedback(Base):
    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("answer_id", "user", name="uq_answer_feedback_answer_user"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    user: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class FeedbackSummary:
    """One answer as admins review it: what was asked and said, and the verdicts."""

    answer_id: int
    asker: str
    question: str
    answer: str
    covered: bool
    created_at: datetime
    helpful: int
    not_right: int


def add(session: Session, key: str, asker: str, answered: dict[str, Any], reply_to: dict[str, Any] | None) -> int:
    """`answered` is `GuidelineAnswer.to_dict()`; returns the new row's id (flushed, not committed)."""
    timings = answered["timings"]
    record = AnswerRecord(
        key=key,
        asker=asker,
        question=answered["question"],
        answer=answered["answer"],
        covered=answered["covered"],
        reason=answered["reason"],
        citations=answered["citations"],
        model=answered["model"],
        retrieval_ms=timings["retrieval_ms"],
        llm_ms=timings["llm_ms"],
        total_ms=timings["total_ms"],
        reply_to=reply_to,
    )
    session.add(record)
    session.flush()
    return record.id


def by_key(db: Database, key: str) -> AnswerRecord | None:
    with db.read() as session:
        return session.scalar(select(AnswerRecord).where(AnswerRecord.key == key))


def get(db: Database, answer_id: int) -> AnswerRecord | None:
    with db.read() as session:
        return session.get(AnswerRecord, answer_id)


def give_feedback(db: Database, answer_id: int, user: str, verdict: Verdict) -> bool:
    """Records `user`'s verdict, replacing their earlier one; False when there is no such answer."""
    with db.session() as session:
        if session.get(AnswerRecord, answer_id) is None:
            return False
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(AnswerFeedback).values(answer_id=answer_id, user=user, verdict=verdict.value, at=utcnow())
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["answer_id", "user"],
                set_={"verdict": statement.excluded.verdict, "at": statement.excluded.at},
            )
        )
        audit.record(session, user, "answer.feedback", answer_id=answer_id, verdict=verdict.value)
    return True


def verdicts(db: Database, answer_id: int) -> dict[str, str]:
    """user -> verdict."""
    with db.read() as session:
        rows = session.execute(
            select(AnswerFeedback.user, AnswerFeedback.verdict).where(AnswerFeedback.answer_id == answer_id)
        ).all()
    return {user: verdict for user, verdict in rows}


def feedback(db: Database, *, limit: int = 50, only_rated: bool = True) -> list[FeedbackSummary]:
    """The latest answers, newest first, with their verdict counts; by default those rated."""
    helpful = func.sum(func.cast(AnswerFeedback.verdict == Verdict.helpful.value, Integer))
    not_right = func.sum(func.cast(AnswerFeedback.verdict == Verdict.not_right.value, Integer))
    query = (
        select(AnswerRecord, func.coalesce(helpful, 0), func.coalesce(not_right, 0))
        .outerjoin(AnswerFeedback, AnswerFeedback.answer_id == AnswerRecord.id)
        .group_by(AnswerRecord.id)
        .order_by(AnswerRecord.id.desc())
        .limit(limit)
    )
    if only_rated:
        query = query.having(func.count(AnswerFeedback.id) > 0)
    with db.read() as session:
        rows = session.execute(query).all()
    return [
        FeedbackSummary(
            record.id,
            record.asker,
            record.question,
            record.answer,
            record.covered,
            record.created_at,
            int(up),
            int(down),
        )
        for record, up, down in rows
    ]
