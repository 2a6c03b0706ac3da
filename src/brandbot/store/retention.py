"""Rows kept only while they serve: Slack event keys past Slack's retries, finished work rows
and delivered messages past a retention period, hourly budgets past their hour. The sweep
prunes them (one replica at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from brandbot.config import Settings
from brandbot.store import budget
from brandbot.store.db import Database
from brandbot.store.models import OutboxMessage, ProcessedEvent, QueuedRow, WorkItem, utcnow
from brandbot.store.queue import RowState

BATCH = 5000
"""Rows one sweep deletes from a table at most: a backlog (the first sweep after an upgrade)
goes in short transactions, never one that holds the tables for minutes."""


@dataclass(frozen=True)
class Pruned:
    events: int
    work: int
    outbox: int


def prune(db: Database, settings: Settings, now: datetime | None = None) -> Pruned:
    """Deletes what is past its time, up to `BATCH` rows a table; the next sweep takes the rest."""
    now = now or utcnow()
    events_before = now - timedelta(hours=settings.event_retention_hours)
    finished_before = now - timedelta(days=settings.finished_retention_days)
    with db.session() as session:
        old_keys = select(ProcessedEvent.key).where(ProcessedEvent.received_at < events_before).limit(BATCH)
        gone = delete(ProcessedEvent).where(ProcessedEvent.key.in_(old_keys)).returning(ProcessedEvent.key)
        events = len(session.scalars(gone).all())
        budget.prune(session, now)
    return Pruned(
        events,
        _prune_finished(db, WorkItem, (RowState.done, RowState.failed), finished_before),
        _prune_finished(db, OutboxMessage, (RowState.done,), finished_before),
    )


def _prune_finished(db: Database, model: type[QueuedRow], states: tuple[RowState, ...], before: datetime) -> int:
    """A row runs only after `run_after`, so a row finished before `before` has `run_after`
    before it too: that term lets the (state, run_after) index find the rows."""
    old = (
        select(model.id)
        .where(model.state.in_([state.value for state in states]), model.run_after < before, model.finished_at < before)
        .limit(BATCH)
    )
    with db.session() as session:
        return len(session.scalars(delete(model).where(model.id.in_(old)).returning(model.id)).all())
