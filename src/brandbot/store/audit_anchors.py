"""Anchors: the audit chain head's hash, posted outside the database.

The hash chain shows any entry changed or removed, but whoever owns the database can rewrite the
whole chain, or cut its tail and move the head back, and it verifies again. An anchor is the head
(entry id, hash, time) recorded in `audit_anchors` and posted to the approval channel through the
outbox; the sweep anchors once a day, `brandbot audit anchor` on demand. `verify` checks that the
chain still holds every anchored hash: from the table, and from the Slack messages copied into a
file (`parse`), since an owner who rewrites the chain can delete anchor rows too, but not the
messages in Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from brandbot.store import outbox
from brandbot.store.audit_chain import HEAD_ID
from brandbot.store.db import Database
from brandbot.store.models import AuditAnchor, AuditChainHead, AuditEntry, utcnow

EVERY = timedelta(days=1)
"""How often the sweep anchors the head, when it moved since the last anchor."""
LINE = re.compile(r"entry (\d+) sha256 `?([0-9a-f]{64})`?")
"""An anchor as the posted message writes it (Slack keeps or drops the backticks on copy)."""


@dataclass(frozen=True)
class Anchor:
    entry_id: int
    hash: str
    at: datetime | None
    """When it was anchored; None for one read from a file."""

    @property
    def line(self) -> str:
        return f"entry {self.entry_id} sha256 `{self.hash}`"

    def describe(self) -> str:
        return f"the anchor of audit entry {self.entry_id}" + (f" ({self.at:%Y-%m-%d %H:%M} UTC)" if self.at else "")


def anchor(db: Database, actor: str, channel: str | None) -> Anchor | None:
    """Records the chain head as an anchor and, with a channel, posts it there; None while the
    log is empty."""
    with db.session() as session:
        head = session.get(AuditChainHead, HEAD_ID)
        if head is None or head.last_id == 0:
            return None
        row = AuditAnchor(entry_id=head.last_id, hash=head.last_hash, actor=actor, anchored_at=utcnow())
        session.add(row)
        anchored = Anchor(row.entry_id, row.hash, row.anchored_at)
        if channel:
            outbox.say(session, channel, message(anchored))
        return anchored


def anchor_if_due(db: Database, actor: str, channel: str | None) -> Anchor | None:
    """The sweep's anchor: once `EVERY`, and only when the head moved since the last one. The
    check only reads, so a sweep with nothing to anchor takes no write lock."""
    with db.read() as session:
        last = session.scalar(select(AuditAnchor).order_by(AuditAnchor.id.desc()).limit(1))
        if last is not None:
            head = session.get(AuditChainHead, HEAD_ID)
            if last.anchored_at > utcnow() - EVERY or head is None or head.last_id == last.entry_id:
                return None
    return anchor(db, actor, channel)


def message(anchored: Anchor) -> str:
    return (
        f"Audit anchor: {anchored.line} ({anchored.at:%Y-%m-%d %H:%M:%S} UTC).\n"
        "Leave this message here: `brandbot audit verify --anchors FILE`, with this channel's anchors copied "
        "into FILE, checks that the audit log still holds each one, even if its database was rewritten."
    )


def recorded(db: Database) -> list[Anchor]:
    with db.read() as session:
        rows = session.scalars(select(AuditAnchor).order_by(AuditAnchor.id))
        return [Anchor(row.entry_id, row.hash, row.anchored_at) for row in rows]


def parse(text: str, source: str) -> list[Anchor]:
    """The anchors in text copied from the approval channel: each line naming an anchor's hash
    holds one; other lines (names, times) are skipped. Raises ValueError, naming `source` and the
    line, for a line that names a hash but holds no whole anchor, or for text with no anchor."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = LINE.search(line)
        if match is not None:
            found.append(Anchor(int(match[1]), match[2], None))
        elif "sha256" in line:
            raise ValueError(f"{source}, line {number}: no whole anchor in it (expected 'entry ID sha256 HASH')")
    if not found:
        raise ValueError(f"{source} holds no anchor: copy the 'Audit anchor' messages of the approval channel into it")
    return found


def check(db: Database, anchors: list[Anchor]) -> list[str]:
    """One line for each anchor the chain no longer holds: its entry gone (the log was cut back)
    or holding another hash (the chain up to it was rewritten). The same anchor twice (recorded,
    and copied from Slack) counts once."""
    problems, seen = [], set()
    with db.read() as session:
        for anchored in anchors:
            if (anchored.entry_id, anchored.hash) in seen:
                continue
            seen.add((anchored.entry_id, anchored.hash))
            entry = session.get(AuditEntry, anchored.entry_id)
            if entry is None:
                problems.append(f"audit entry {anchored.entry_id} removed ({anchored.describe()} names it)")
            elif entry.hash != anchored.hash:
                problems.append(
                    f"audit entry {anchored.entry_id} rewritten (its hash differs from {anchored.describe()})"
                )
    return problems
