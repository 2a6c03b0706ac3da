"""What reviewers did to drafts, read back for learning brand rules from it: each edit (the draft
as written and as approved) and each change request's note, and the past texts a learned rule
is back-tested on (every approved text, every draft). A requester's own follow-up on their draft
is recorded as a change request too, but it is no reviewer's: it is left out here, and told apart
wherever decisions are counted (`by_requester`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from brandbot.store.db import Database
from brandbot.store.models import Decision, Draft, Request
from brandbot.store.status import Action, RequestStatus


@dataclass(frozen=True)
class Reviewed:
    """Which decision, on which draft of which request, by whom."""

    decision_id: int
    request_id: str
    draft_id: str
    actor: str


@dataclass(frozen=True)
class Edit:
    decided: Reviewed
    drafted: str
    approved: str


@dataclass(frozen=True)
class ChangeRequest:
    decided: Reviewed
    note: str


@dataclass(frozen=True)
class PastText:
    ref: str
    """The request id of an approved text, the draft id of a draft."""
    text: str


def by_requester() -> ColumnElement[bool]:
    """A decision made by its request's own requester: their follow-up asking for changes (or
    their withdrawal). Approvers never decide their own requests (`workflow.approvals.refusal`),
    so the decision's actor alone tells a follow-up from a reviewer's change request."""
    return Decision.actor == Request.requester


def edits(db: Database) -> list[Edit]:
    """Reviewers' edited approvals whose text differs from the draft, oldest first."""
    query = (
        select(
            Decision.id, Draft.request_id, Draft.id.label("draft_id"), Decision.actor, Draft.text, Decision.final_text
        )
        .join(Draft, Draft.id == Decision.draft_id)
        .join(Request, Request.id == Draft.request_id)
        .where(
            Decision.action == Action.edit,
            Decision.final_text.is_not(None),
            Decision.final_text != Draft.text,
            ~by_requester(),
        )
        .order_by(Decision.id)
    )
    with db.read() as session:
        return [
            Edit(Reviewed(row.id, row.request_id, row.draft_id, row.actor), row.text, row.final_text)
            for row in session.execute(query)
        ]


def change_requests(db: Database) -> list[ChangeRequest]:
    """Reviewers' change requests with their notes, oldest first; requesters' follow-ups left out."""
    query = (
        select(Decision.id, Draft.request_id, Draft.id.label("draft_id"), Decision.actor, Decision.note)
        .join(Draft, Draft.id == Decision.draft_id)
        .join(Request, Request.id == Draft.request_id)
        .where(Decision.action == Action.changes, Decision.note.is_not(None), ~by_requester())
        .order_by(Decision.id)
    )
    with db.read() as session:
        return [
            ChangeRequest(Reviewed(row.id, row.request_id, row.draft_id, row.actor), row.note)
            for row in session.execute(query)
        ]


def approved_texts(db: Database) -> list[PastText]:
    """What went out: approved requests' final texts (imported examples of the voice included)."""
    query = (
        select(Request.id, Request.final_text)
        .where(Request.status == RequestStatus.approved, Request.final_text.is_not(None))
        .order_by(Request.created_at, Request.id)
    )
    with db.read() as session:
        return [PastText(row.id, row.final_text) for row in session.execute(query)]


def drafts(db: Database) -> list[PastText]:
    """Every draft revision as the approver saw it (after the automatic fixes)."""
    query = select(Draft.id, Draft.text).order_by(Draft.created_at, Draft.id)
    with db.read() as session:
        return [PastText(row.id, row.text) for row in session.execute(query)]
