"""Rows on both sides of each retention limit, written the way the app writes them and then aged,
for the pruning tests on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from brandbot.services import Services
from brandbot.store import queue
from brandbot.store.models import OutboxMessage, ProcessedEvent, WorkItem
from brandbot.store.queue import RowState


def age_rows(services: Services, tag: str, now: datetime) -> None:
    """Event keys from 3 hours and 30 minutes ago; finished and unfinished rows from 20 and 2 days ago."""
    old, recent = now - timedelta(days=20), now - timedelta(days=2)
    rows = [
        (WorkItem, "done-old", RowState.done, old),
        (WorkItem, "failed-old", RowState.failed, old),
        (WorkItem, "queued-old", RowState.queued, None),
        (WorkItem, "done-recent", RowState.done, recent),
        (OutboxMessage, "done-old", RowState.done, old),
        (OutboxMessage, "failed-old", RowState.failed, old),
        (OutboxMessage, "done-recent", RowState.done, recent),
    ]
    with services.db.session() as session:
        session.add(ProcessedEvent(key=f"{tag}:event-old", received_at=now - timedelta(hours=3)))
        session.add(ProcessedEvent(key=f"{tag}:event-recent", received_at=now - timedelta(minutes=30)))
        for model, name, state, finished in rows:
            key = f"{tag}:{name}"
            queue.put(session, model, "noop", key)
            session.execute(
                update(model)
                .where(model.key == key)
                .values(state=state.value, run_after=old - timedelta(minutes=1), created_at=old, finished_at=finished)
            )


def kept(services: Services, tag: str) -> dict[str, list[str]]:
    """What remains of the rows `age_rows` wrote with `tag`, by table."""
    with services.db.read() as session:
        return {
            model.__tablename__: sorted(
                key.removeprefix(f"{tag}:")
                for key in session.scalars(select(model.key).where(model.key.startswith(tag)))
            )
            for model in (ProcessedEvent, WorkItem, OutboxMessage)
        }


EXPECTED = {
    "processed_events": ["event-recent"],
    "work": ["done-recent", "queued-old"],
    "outbox": ["done-recent", "failed-old"],
}
"""Event keys past 2 hours go; finished work and delivered messages past 14 days go; a row not
yet finished, and a message that failed (kept for looking into), stay."""
