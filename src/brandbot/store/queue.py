"""Rows that one replica at a time works on: claimed with a lease, retried with backoff,
finished once. Work rows and the outbox are both such queues.

A row is written by `put` inside the transaction of the fact that caused it, so it exists
exactly when the fact does. A claim is one conditional UPDATE (on PostgreSQL the candidate is
picked `FOR UPDATE SKIP LOCKED`, so replicas never wait on each other's claims); a row whose
owner stopped renewing its lease is claimed again by whoever comes next.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from brandbot.store.db import Database
from brandbot.store.models import OutboxMessage, QueuedRow, WorkItem, table_of, utcnow

Row = TypeVar("Row", WorkItem, OutboxMessage)
TRUSTED_SHARE = 0.75
"""Of a lease this process took or renewed, the share it trusts without asking the database:
the rest allows for clocks that differ between replicas."""


class RowState(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    """Given up on after too many attempts; what it was for has been told it failed."""


def put(
    session: Session,
    model: type[QueuedRow],
    kind: str,
    key: str,
    payload: dict[str, Any] | None = None,
    *,
    request_id: str | None = None,
    run_after: datetime | None = None,
) -> bool:
    """Adds a row unless one with `key` exists: a fact recorded twice causes its work once.
    True if it added it."""
    values = {
        "kind": kind,
        "key": key,
        "payload": payload or {},
        "request_id": request_id,
        "state": RowState.queued.value,
        "attempts": 0,
        "run_after": run_after or utcnow(),
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = table_of(model)
    added = insert(table).values(**values).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    return session.connection().execute(added).first() is not None


class Queue(Generic[Row]):
    def __init__(self, db: Database, model: type[Row], owner: str, lease: timedelta) -> None:
        self._db = db
        self.model: type[Row] = model
        self.owner = owner
        self.lease = lease
        self._held: dict[int, float] = {}
        """Row id -> monotonic time before which no other replica can have taken the row."""
        self._let_go: set[int] = set()
        """Rows this process still runs but is stopping: they stop at their next step."""
        self._held_lock = threading.Lock()

    def claim(self, kinds: Collection[str] | None = None, *, key: str | None = None) -> Row | None:
        """The next due row (of `kinds`, or the one with `key`), now this process's until its lease ends."""
        rows = self.claim_many(kinds, 1, key=key)
        return rows[0] if rows else None

    def claim_many(self, kinds: Collection[str] | None, limit: int, *, key: str | None = None) -> list[Row]:
        """Up to `limit` due rows in queue order, in one transaction; an idle poll only reads."""
        model = self.model
        now = utcnow()
        query = select(model.id).where(_claimable(model, now)).order_by(model.run_after, model.id).limit(limit)
        if kinds is not None:
            query = query.where(model.kind.in_(list(kinds)))
        if key is not None:
            query = query.where(model.key == key)
        with self._db.read() as session:
            if session.scalar(query) is None:
                return []
        started = time.monotonic()
        with self._db.session() as session:
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row_ids = session.scalars(query).all()
            if not row_ids:
                return []
            rows = session.scalars(
                update(model)
                .where(model.id.in_(row_ids), _claimable(model, now))
                .values(
                    state=RowState.running.value,
                    owner=self.owner,
                    lease_until=now + self.lease,
                    attempts=model.attempts + 1,
                )
                .returning(model)
            ).all()
        self._trust({row.id for row in rows}, started)
        return sorted(rows, key=lambda row: (row.run_after, row.id))

    def renew(self) -> int:
        """The heartbeat: every row this process runs keeps its lease."""
        model = self.model
        started = time.monotonic()
        with self._db.session() as session:
            renewed = session.scalars(
                update(model)
                .where(model.owner == self.owner, model.state == RowState.running.value)
                .values(lease_until=utcnow() + self.lease)
                .returning(model.id)
            ).all()
        self._trust(set(renewed), started, only=True)
        return len(renewed)

    def still_held(self, row: Row) -> bool:
        """False once another worker has taken the row over (the claimer's lease lapsed). Asks
        the database only when this process's own lease on the row may have run out."""
        with self._held_lock:
            if row.id in self._let_go:
                return False
            if time.monotonic() < self._held.get(row.id, 0.0):
                return True
        model = self.model
        with self._db.read() as session:
            owner = session.scalar(select(model.owner).where(model.id == row.id, model.state == RowState.running.value))
        return owner is not None and owner == row.owner

    def finish(self, row_id: int) -> bool:
        return self._settle(row_id, state=RowState.done.value, finished_at=utcnow(), error=None)

    def retry_later(self, row_id: int, error: str, delay: timedelta) -> bool:
        return self._settle(
            row_id, state=RowState.queued.value, run_after=utcnow() + delay, error=error, owner=None, lease_until=None
        )

    def let_go(self, row_ids: Collection[int]) -> None:
        """This process is stopping: each of these rows stops at its next step (`still_held` is
        False from now on), and whoever ran it then `release`s it."""
        with self._held_lock:
            self._let_go.update(row_ids)

    def release(self, row_id: int) -> bool:
        """Back to the queue for any replica, at once, without counting as a failure: a row this
        process stopped running before it finished. False if it is no longer this process's."""
        with self._held_lock:
            self._let_go.discard(row_id)
        return self._settle(row_id, state=RowState.queued.value, run_after=utcnow(), owner=None, lease_until=None)

    def give_up(self, row_id: int, error: str) -> bool:
        return self._settle(row_id, state=RowState.failed.value, finished_at=utcnow(), error=error)

    def get(self, row_id: int) -> Row | None:
        with self._db.read() as session:
            return session.get(self.model, row_id)

    def by_key(self, key: str) -> Row | None:
        with self._db.read() as session:
            return session.scalar(select(self.model).where(self.model.key == key))

    def unfinished_key(self, request_id: str, kinds: Collection[str]) -> str | None:
        model = self.model
        query = (
            select(model.key)
            .where(
                model.request_id == request_id,
                model.kind.in_(list(kinds)),
                model.state.in_([RowState.queued.value, RowState.running.value]),
            )
            .order_by(model.id.desc())
            .limit(1)
        )
        with self._db.read() as session:
            return session.scalar(query)

    def ahead_of(self, key: str, kinds: Collection[str]) -> int | None:
        """How many rows of `kinds` wait to be claimed before the row `key`; None once it is claimed."""
        model = self.model
        with self._db.read() as session:
            mine = session.execute(
                select(model.id, model.run_after).where(model.key == key, model.state == RowState.queued.value)
            ).first()
            if mine is None:
                return None
            earlier = or_(model.run_after < mine.run_after, and_(model.run_after == mine.run_after, model.id < mine.id))
            waiting = and_(model.kind.in_(list(kinds)), model.state == RowState.queued.value)
            return session.scalar(select(func.count()).where(waiting, earlier)) or 0

    def _trust(self, row_ids: set[int], since: float, *, only: bool = False) -> None:
        """Leases taken or renewed at `since`; with `only`, the rows not among them are no longer held."""
        until = since + self.lease.total_seconds() * TRUSTED_SHARE
        with self._held_lock:
            if only:
                self._held = {row_id: held for row_id, held in self._held.items() if row_id in row_ids}
            self._held.update(dict.fromkeys(row_ids, until))

    def _settle(self, row_id: int, **values: Any) -> bool:
        """Only the owner settles a row: a replica that lost it changes nothing."""
        with self._held_lock:
            self._held.pop(row_id, None)
        model = self.model
        with self._db.session() as session:
            done = session.execute(
                update(model)
                .where(model.id == row_id, model.owner == self.owner, model.state == RowState.running.value)
                .values(**values)
                .returning(model.id)
            ).first()
        return done is not None


def _claimable(model: type[QueuedRow], now: datetime) -> ColumnElement[bool]:
    queued = and_(model.state == RowState.queued.value, model.run_after <= now)
    abandoned = and_(model.state == RowState.running.value, model.lease_until < now)
    return or_(queued, abandoned)
