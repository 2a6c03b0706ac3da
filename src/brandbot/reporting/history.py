"""The recorded history a report is made from: the requests of a period with their draft revisions
and the decisions on them, read in three queries into plain records that the figures take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from brandbot.store.db import Database
from brandbot.store.models import Decision, Draft, Request
from brandbot.store.review_history import by_requester
from brandbot.store.status import Action

IMPORTED = "import"
"""The origin of texts approved outside brandbot (examples of the voice): never drafted or
decided here, so they are no part of the history."""


@dataclass(frozen=True)
class RuleHit:
    check: str
    level: str


@dataclass(frozen=True)
class DecisionRecord:
    action: Action
    decided_at: datetime
    by_requester: bool = False
    """Made by the request's own requester (a follow-up asking for changes, or a withdrawal), not
    by an approver."""


@dataclass(frozen=True)
class Revision:
    """One revision: the alerts left on it, the checks whose fixes were applied to it, the
    automatic revisions it took, and the decision on it, if any yet."""

    revision: int
    created_at: datetime
    alerts: tuple[RuleHit, ...]
    fixes: tuple[str, ...]
    auto_revisions: int
    decision: DecisionRecord | None


@dataclass(frozen=True)
class RequestHistory:
    request_id: str
    text: str
    format: str | None
    """None until the request's brief is made (a request refused or failed before that)."""
    created_at: datetime
    drafts: tuple[Revision, ...]
    """By revision, first to last."""


def load(db: Database, since: datetime, until: datetime) -> list[RequestHistory]:
    """Requests created in [since, until), oldest first, with all their drafts and decisions
    whenever those came: a period's figures are about the requests made in it."""
    in_period = (Request.created_at >= since, Request.created_at < until, Request.origin != IMPORTED)
    with db.read() as session:
        requests = session.execute(
            select(Request.id, Request.text, Request.brief, Request.created_at)
            .where(*in_period)
            .order_by(Request.created_at, Request.id)
        ).all()
        drafts = session.execute(
            select(
                Draft.id,
                Draft.request_id,
                Draft.revision,
                Draft.created_at,
                Draft.alerts,
                Draft.fixes,
                Draft.auto_revisions,
            )
            .join(Request, Draft.request_id == Request.id)
            .where(*in_period)
            .order_by(Draft.revision)
        ).all()
        decisions = {
            row.draft_id: DecisionRecord(Action(row.action), row.decided_at, bool(row.by_requester))
            for row in session.execute(
                select(Decision.draft_id, Decision.action, Decision.decided_at, by_requester().label("by_requester"))
                .join(Draft, Decision.draft_id == Draft.id)
                .join(Request, Draft.request_id == Request.id)
                .where(*in_period)
            )
        }
    by_request: dict[str, list[Revision]] = {}
    for draft in drafts:
        by_request.setdefault(draft.request_id, []).append(
            Revision(
                revision=draft.revision,
                created_at=draft.created_at,
                alerts=tuple(RuleHit(str(alert["check"]), str(alert["level"])) for alert in draft.alerts),
                fixes=tuple(str(fix["check"]) for fix in draft.fixes),
                auto_revisions=draft.auto_revisions,
                decision=decisions.get(draft.id),
            )
        )
    return [
        RequestHistory(
            request_id=request.id,
            text=request.text,
            format=(request.brief or {}).get("format"),
            created_at=request.created_at,
            drafts=tuple(by_request.get(request.id, ())),
        )
        for request in requests
    ]
