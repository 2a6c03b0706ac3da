"""Exactly-once handling, guarded by primary keys in the database.

Two kinds of key. A delivery key (a Slack event id, a message's channel and ts, a slash command's
trigger) stops Slack's retries and double deliveries; the sweep prunes it once Slack has stopped
retrying. A once-only key (`once_only`) guards a business effect (the draft "Draft it instead"
starts, a rewrite, a revision) and lives in its own table that no sweep prunes, as long as what
it guards. Either is stored at a fixed length (`stored_key`), whatever text it was made from.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from brandbot.store.db import Database
from brandbot.store.models import OnceKey, ProcessedEvent, table_of

KIND_CHARS = 40
"""Of a stored key, the most characters of its kind kept readable (64 more hold its hash)."""
ONCE = "once:"


class AlreadyHandled(Exception):
    """The event's keys were claimed before: a retried or repeated delivery, to be ignored."""


def stored_key(key: str) -> str:
    """`key` as the database keeps it: its kind (what comes before the first colon), to read it
    by, and the sha256 of all of it. A key may hold a person's text (a slash command's), and
    PostgreSQL refuses what does not fit the column where SQLite would take it."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key.split(':', 1)[0][:KIND_CHARS]}:{digest}"


def once_only(key: str) -> str:
    """`key` as a once-only key: claimed for good, not only while Slack may retry a delivery."""
    return f"{ONCE}{key}"


def claim_in(session: Session, key: str) -> bool:
    """True for the first transaction with this key, in any process; the claim commits with
    whatever else the transaction writes (the request a Slack event causes), or not at all."""
    model: type[OnceKey | ProcessedEvent] = OnceKey if key.startswith(ONCE) else ProcessedEvent
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = table_of(model)
    claimed = (
        session.connection()
        .execute(
            insert(table)
            .values(key=stored_key(key.removeprefix(ONCE)))
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(table.c.key)
        )
        .first()
    )
    return claimed is not None


class EventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, *keys: str) -> bool:
        """True for the first caller with these keys, in any process; False for every later one."""
        with self._db.session() as session:
            return all([claim_in(session, key) for key in keys])
