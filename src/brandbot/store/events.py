"""Exactly-once handling of inbound events, guarded by a primary key in the database."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from brandbot.store.db import Database
from brandbot.store.models import ProcessedEvent


class EventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, key: str) -> bool:
        """True for the first caller with this key, in any process; False for every later one."""
        try:
            with self._db.session() as session:
                session.add(ProcessedEvent(key=key))
        except IntegrityError:
            return False
        return True
