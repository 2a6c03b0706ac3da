"""Exactly-once handling of inbound events, guarded by a primary key in the database."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from brandbot.store.db import Database
from brandbot.store.models import ProcessedEvent


class AlreadyHandled(Exception):
    """The event's keys were claimed before: a retried or repeated delivery, to be ignored."""


def claim_in(session: Session, key: str) -> bool:
    """True for the first transaction with this key, in any process; the claim commits with
    whatever else the transaction writes (the request a Slack event causes), or not at all."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = session.execute(
        insert(ProcessedEvent)
        .values(key=key)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ProcessedEvent.key)
    ).first()
    return claimed is not None


class EventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, *keys: str) -> bool:
        """True for the first caller with these keys, in any process; False for every later one."""
        with self._db.session() as session:
            return all([claim_in(session, key) for key in keys])
