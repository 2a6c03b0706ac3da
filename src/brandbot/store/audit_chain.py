"""The audit log as a hash chain: each entry carries the hash of the one before it and its own
hash over its fields, so an entry changed, removed or slipped in later shows when the chain is
recomputed.

Appends take turns on the one-row chain head (a row lock on PostgreSQL; SQLite serializes writers
anyway), and the head names each entry's id, so ids follow the chain. Entries join the chain as
their transaction commits (`audit.record`): the head is the last lock a transaction takes and is
held for the commit alone, so appends neither fork the chain nor deadlock on other rows.

On PostgreSQL the database links and hashes each entry (`audit_append`, migration 0016), so the
app's role needs no write access to the log or its head; SQLite appends here, the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from brandbot.store.canonical import canonical, digest, timestamp
from brandbot.store.db import Database
from brandbot.store.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""
HEAD_ID = 1
VERIFY_BATCH = 1000
"""Entries read at a time while verifying: a long log is streamed, never loaded whole."""
APPEND_SIGNATURE = "audit_append(text, text, text, text, integer, text)"
"""PostgreSQL's append function: actor, action, request id, draft id, revision, canonical detail."""
_APPEND = text("SELECT audit_append(:actor, :action, :request_id, :draft_id, :revision, :detail)")


def fields(entry: AuditEntry) -> dict[str, Any]:
    """What the hash covers: every column but the hash itself."""
    return {
        "id": entry.id,
        "at": timestamp(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "request_id": entry.request_id,
        "draft_id": entry.draft_id,
        "revision": entry.revision,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: AuditEntry) -> str:
    return digest(fields(entry))


def append(session: Session, entries: Iterable[AuditEntry]) -> None:
    """Links `entries` to the end of the chain, in order: on PostgreSQL through `audit_append`,
    which stamps each with the database's time; elsewhere added to the session."""
    if session.get_bind().dialect.name == "postgresql":
        for entry in entries:
            session.execute(
                _APPEND,
                {
                    "actor": entry.actor,
                    "action": entry.action,
                    "request_id": entry.request_id,
                    "draft_id": entry.draft_id,
                    "revision": entry.revision,
                    "detail": canonical(entry.detail).decode(),
                },
            )
        return
    head = session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    for entry in entries:
        entry.id, entry.prev_hash = head.last_id + 1, head.last_hash
        entry.hash = entry_hash(entry)
        head.last_id, head.last_hash = entry.id, entry.hash
        session.add(entry)


def describe(entry: AuditEntry) -> str:
    return f"audit entry {entry.id} ({entry.action})"


def verify(db: Database) -> tuple[int, list[str]]:
    """Walks the whole chain in id order: how many entries it holds, and one line for each break.

    An entry whose hash no longer fits its fields changed. An entry that fits but whose
    `prev_hash` is not its predecessor's hash follows a removed entry (ids skip) or a predecessor
    rewritten with a fresh hash. The head read first says where the chain ended then: entries
    appended meanwhile are checked like the rest."""
    problems: list[str] = []
    with db.read() as session:
        head = session.get(AuditChainHead, HEAD_ID)
        count, previous, head_seen = 0, None, head is None or head.last_id == 0
        query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=VERIFY_BATCH)
        for entry in session.scalars(query):
            count += 1
            if entry_hash(entry) != entry.hash:
                problems.append(f"{describe(entry)} changed")
            elif entry.prev_hash != (previous.hash if previous is not None else GENESIS):
                problems.append(_broken_link(previous, entry))
            if head is not None and entry.id == head.last_id:
                head_seen = True
                if entry.hash != head.last_hash:
                    problems.append(f"{describe(entry)} changed (the chain head holds another hash for it)")
            previous = entry
    if head is None:
        problems.append("the audit chain head is missing")
    elif not head_seen:
        problems.append(f"audit entry {head.last_id} removed (the chain head ends there)")
    return count, problems


def _broken_link(previous: AuditEntry | None, entry: AuditEntry) -> str:
    after = previous.id if previous is not None else 0
    missing = entry.id - after - 1
    if missing == 1:
        return f"audit entry {after + 1} removed (before {describe(entry)})"
    if missing > 1:
        return f"audit entries removed between entry {after} and {describe(entry)}"
    if previous is None:
        return f"{describe(entry)} is not the start of the chain: entries before it were removed"
    return f"{describe(previous)} changed (its hash no longer matches the link in entry {entry.id})"
