"""Messages to brandbot before anyone knows what they ask for: one `intake` work row each,
written while Slack waits for the ack; a worker classifies it and queues what it asks for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from brandbot.store import queue
from brandbot.store.budget import Charge
from brandbot.store.db import Database
from brandbot.store.events import claim_in, stored_key
from brandbot.store.models import WorkItem

INTAKE = "intake"
ANSWER = "answer"
"""A question about the guidelines, to answer in the thread: {"user", "question", "reply_to"}."""


class _SeenBefore(Exception):
    """Rolls back the claims of a message handled before."""


def intake_key(event_keys: tuple[str, ...]) -> str:
    """From the key that stays the same across deliveries of one message (its channel and ts),
    at a fixed length: a slash command's key holds its text, and the key travels as a button's value."""
    return stored_key(f"{INTAKE}:{event_keys[-1]}")


def record(db: Database, event_keys: tuple[str, ...], payload: dict[str, Any], charge: Charge) -> str | None:
    """The message's intake row, once, paid with `charge`: None if one of `event_keys` was seen
    before; `OverBudget` (nothing written) past the sender's budget."""
    key = intake_key(event_keys)
    try:
        with db.session() as session:
            if not all([claim_in(session, event) for event in event_keys]):
                raise _SeenBefore
            charge.take(session)
            queue.put(session, WorkItem, INTAKE, key, payload)
    except (_SeenBefore, IntegrityError):
        return None
    return key
