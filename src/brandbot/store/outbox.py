"""Messages to people, as rows written with the fact they tell of.

A notice says what happened (a draft is ready, a decision, a failure); the Slack layer renders
it. Only requests with somewhere to tell (`reply_to`) get notices: the CLI's own requests
answer in the terminal.
"""

from __future__ import annotations

import enum
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from brandbot.store import queue
from brandbot.store.db import Database
from brandbot.store.models import OutboxMessage


class Notice(enum.StrEnum):
    queued = "queued"
    """Tell the requester how many drafts wait before theirs, unless drafting has started."""
    draft_ready = "draft_ready"
    """Post the draft's approval card; tell the requester where it waits."""
    card_closed = "card_closed"
    """Close a decided draft's card with who decided what: run by the process that took the
    click, at once, apart from the news (`decided`), so an approver waits for nothing else."""
    decided = "decided"
    """Tell the requester the outcome (a row written before `card_closed` existed closes the card too)."""
    failed = "failed"
    """Tell the requester their request failed, with a Retry button."""
    refused = "refused"
    """Tell the requester the content guard stopped their request, and why."""
    recheck_digest = "recheck_digest"
    """Post what a re-check found no longer holds to the approval channel."""
    say = "say"
    """A plain message to a channel or thread: an upload report, a refused request."""


def notify(session: Session, notice: Notice, key: str, *, request_id: str | None = None, **payload: Any) -> None:
    queue.put(session, OutboxMessage, notice.value, f"{notice.value}:{key}", payload, request_id=request_id)


def say(session: Session, channel: str, text: str, thread_ts: str | None = None, **extra: Any) -> None:
    notify(session, Notice.say, secrets.token_hex(8), channel=channel, thread_ts=thread_ts, text=text, **extra)


def record_message(db: Database, row_id: int, role: str, channel: str, ts: str) -> None:
    """Remembers a message as soon as Slack answers, so a re-delivery edits it instead of posting again."""
    with db.session() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.id == row_id).with_for_update())
        if row is not None:
            row.messages = {**row.messages, role: {"channel": channel, "ts": ts}}
