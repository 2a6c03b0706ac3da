"""Guideline passages held at ingest, and the admin's decision on each: release (it goes live
with its document's version) or delete. Every step is in the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from brandbot.store import audit
from brandbot.store.db import Database
from brandbot.store.models import QuarantinedChunk, utcnow

HELD, RELEASED, DELETED = "held", "released", "deleted"


class Quarantine:
    def __init__(self, db: Database) -> None:
        self._db = db

    def hold(self, chunks: list[tuple[dict[str, Any], list[str]]], actor: str) -> None:
        """(the chunk's fields, why it is held) each; holding the same chunk again is a no-op."""
        with self._db.session() as session:
            for chunk, reasons in chunks:
                if session.get(QuarantinedChunk, chunk["id"]) is not None:
                    continue
                session.add(
                    QuarantinedChunk(
                        id=chunk["id"],
                        doc_id=chunk["doc_id"],
                        version=chunk["version"],
                        text=chunk["text"],
                        chunk=chunk,
                        reasons=reasons,
                        state=HELD,
                    )
                )
                audit.record(
                    session, actor, "guideline.quarantined", doc_id=chunk["doc_id"], chunk=chunk["id"], reasons=reasons
                )

    def held(self) -> list[QuarantinedChunk]:
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(QuarantinedChunk).where(QuarantinedChunk.state == HELD).order_by(QuarantinedChunk.held_at)
                )
            )

    def decide(self, chunk_id: str, state: str, actor: str) -> QuarantinedChunk:
        """Raises LookupError for a passage that isn't held (unknown, or already decided)."""
        with self._db.session() as session:
            row = session.get(QuarantinedChunk, chunk_id, with_for_update=True)
            if row is None:
                raise LookupError(f"no held passage {chunk_id} (see `brandbot guidelines quarantine`)")
            if row.state != HELD:
                raise LookupError(f"passage {chunk_id} was already {row.state} by {row.decided_by}")
            row.state, row.decided_by, row.decided_at = state, actor, utcnow()
            action = "guideline.released" if state == RELEASED else "guideline.quarantine_deleted"
            audit.record(session, actor, action, doc_id=row.doc_id, chunk=row.id)
            return row
