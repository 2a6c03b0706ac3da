"""The append-only audit log: who did what, when, to which draft version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from brandbot.store.db import Database
from brandbot.store.models import AuditEntry


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
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            request_id=request_id,
            draft_id=draft_id,
            revision=revision,
            detail=detail,
        )
    )


def entries(db: Database, *, request_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if request_id is not None:
        query = query.where(AuditEntry.request_id == request_id)
    with db.session() as session:
        return list(session.scalars(query.limit(limit)))
