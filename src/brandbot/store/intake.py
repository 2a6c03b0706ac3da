"""Messages to brandbot before anyone knows what they ask for: one `intake` work row each,
written while Slack waits for the ack; a worker classifies it and queues what it asks for.

The row's key is the message's own (its channel and ts, or a slash command's trigger), unique in
the table: inserting the row is also what tells a retried or repeated delivery from a new one, so
the ack costs one insert and the budget's upsert, in one transaction. Work rows outlive Slack's
retries by far (`finished_retention_days`), so no delivery key is needed beside it."""

from __future__ import annotations

from typing import Any

from brandbot.store import queue
from brandbot.store.budget import Charge
from brandbot.store.db import Database
from brandbot.store.events import stored_key
from brandbot.store.models import WorkItem
from brandbot.store.work_kinds import WorkKind


def intake_key(event_keys: tuple[str, ...]) -> str:
    """From the key that stays the same across deliveries of one message (its channel and ts),
    at a fixed length: a slash command's key holds its text, and the key travels as a button's value."""
    return stored_key(f"{WorkKind.intake}:{event_keys[-1]}")


def record(db: Database, event_keys: tuple[str, ...], payload: dict[str, Any], charge: Charge) -> str | None:
    """The message's intake row, once, paid with `charge`: None if the message was recorded
    before (nothing paid); `OverBudget` (nothing written) past the sender's budget."""
    key = intake_key(event_keys)
    with db.session() as session:
        if not queue.put(session, WorkItem, WorkKind.intake, key, payload):
            return None
        charge.take(session)
    return key
