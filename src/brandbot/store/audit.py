"""The append-only audit log: who did what, when, to which draft version.

Entries are hash-chained (`audit_chain.py`): `record` keeps each entry with the caller's session,
and the session links them to the chain as it commits, or drops them if it rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from brandbot.store import audit_chain
from brandbot.store.canonical import as_stored
from brandbot.store.db import Database
from brandbot.store.models import AuditEntry, utcnow

_PENDING = "brandbot.audit.pending"
"""The key in `Session.info` under which a transaction's entries wait for its commit."""
EXPORT_BATCH = 1000


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    request_id: str | None = None,
    draft_id: str | None = None,
    revision: int | None = None,
    **detail: Any,
) -> None:
    """Written inside the caller's transaction, so the entry exists exactly when the change does."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        request_id=request_id,
        draft_id=draft_id,
        revision=revision,
        detail=as_stored(detail),
    )
    if not session.in_transaction():
        session.begin()  # so that a rollback, which drops the entry, can't pass it by
    session.info.setdefault(_PENDING, []).append(entry)


@event.listens_for(Session, "before_commit")
def _link_pending(session: Session) -> None:
    """The transaction's own changes are flushed first, so that once it holds the chain head it
    waits for no other lock, and a writer waiting for the head can't be holding one it needs."""
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.flush()
        audit_chain.append(session, pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _transaction: Any) -> None:
    session.info.pop(_PENDING, None)


def entries(db: Database, *, request_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if request_id is not None:
        query = query.where(AuditEntry.request_id == request_id)
    with db.session() as session:
        return list(session.scalars(query.limit(limit)))


def since(db: Database, moment: datetime) -> Iterator[AuditEntry]:
    """Every entry from `moment` on, in chain order, read in batches: an export of a long log
    never holds it all in memory."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.at >= moment)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    with db.read() as session:
        yield from session.scalars(query)
