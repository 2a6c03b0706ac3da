"""Requests, their draft revisions and the decisions on them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brandbot import metrics
from brandbot.store import audit
from brandbot.store.db import Database
from brandbot.store.models import Decision, Draft, Request, utcnow

DECIDED_STATUS = {
    "approve": "approved",
    "edit": "approved",
    "changes": "changes_requested",
    "reject": "rejected",
    "expire": "expired",
}


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(5)}"


@dataclass(frozen=True)
class DraftRecord:
    """The fields a draft revision is created with; kept apart from the ORM row."""

    request_id: str
    revision: int
    text: str
    sources: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    fixes: list[dict[str, Any]]
    auto_revisions: int
    model: str


class RequestStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create_request(self, requester: str, text: str, origin: str, reply_to: dict[str, Any] | None = None) -> Request:
        request = Request(
            id=new_id("req"), requester=requester, text=text, origin=origin, status="received", reply_to=reply_to
        )
        with self._db.session() as session:
            session.add(request)
            audit.record(session, requester, "request.created", request_id=request.id, origin=origin)
        return request

    def get_request(self, request_id: str) -> Request | None:
        with self._db.session() as session:
            return session.get(Request, request_id)

    def list_requests(
        self, *, status: str | None = None, requester: str | None = None, limit: int = 50
    ) -> list[Request]:
        query = select(Request).order_by(Request.created_at.desc()).limit(limit)
        if status:
            query = query.where(Request.status == status)
        if requester:
            query = query.where(Request.requester == requester)
        with self._db.session() as session:
            return list(session.scalars(query))

    def update_request(self, request_id: str, **fields: Any) -> None:
        with self._db.session() as session:
            session.execute(update(Request).where(Request.id == request_id).values(updated_at=utcnow(), **fields))

    def record_draft(self, record: DraftRecord, ttl: timedelta) -> Draft:
        """Idempotent per (request, revision): a resumed workflow re-running this gets the same row."""
        with self._db.session() as session:
            existing = session.scalar(
                select(Draft).where(Draft.request_id == record.request_id, Draft.revision == record.revision)
            )
            if existing is not None:
                return existing
            now = utcnow()
            draft = Draft(
                id=new_id("d"),
                request_id=record.request_id,
                revision=record.revision,
                text=record.text,
                sources=record.sources,
                checks=record.checks,
                alerts=record.alerts,
                fixes=record.fixes,
                auto_revisions=record.auto_revisions,
                model=record.model,
                status="pending",
                created_at=now,
                expires_at=now + ttl,
            )
            session.add(draft)
            metrics.DRAFTS.inc()
            metrics.TIME_TO_DRAFT.observe((now - _asked_at(session, record)).total_seconds())
            session.execute(
                update(Request)
                .where(Request.id == record.request_id)
                .values(status="awaiting_review", error=None, updated_at=now)
            )
            audit.record(
                session,
                "brandbot",
                "draft.created",
                request_id=record.request_id,
                draft_id=draft.id,
                revision=record.revision,
                model=record.model,
                sources=[_citation_key(source) for source in record.sources],
                checks={check["name"]: check["passed"] for check in record.checks},
                rule_hits=sorted({alert["check"] for alert in record.alerts}),
                fixes=record.fixes,
                auto_revisions=record.auto_revisions,
            )
            return draft

    def set_card(self, draft_id: str, card: dict[str, Any]) -> None:
        with self._db.session() as session:
            session.execute(update(Draft).where(Draft.id == draft_id).values(card=card))

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._db.session() as session:
            return session.get(Draft, draft_id)

    def drafts_for(self, request_id: str) -> list[Draft]:
        with self._db.session() as session:
            return list(session.scalars(select(Draft).where(Draft.request_id == request_id).order_by(Draft.revision)))

    def latest_draft(self, request_id: str) -> Draft | None:
        drafts = self.drafts_for(request_id)
        return drafts[-1] if drafts else None

    def pending_drafts(self) -> list[Draft]:
        with self._db.session() as session:
            return list(session.scalars(select(Draft).where(Draft.status == "pending").order_by(Draft.created_at)))

    def due_for_expiry(self, now: datetime) -> list[Draft]:
        with self._db.session() as session:
            return list(session.scalars(select(Draft).where(Draft.status == "pending", Draft.expires_at <= now)))

    def decision_for(self, draft_id: str) -> Decision | None:
        with self._db.session() as session:
            return session.scalar(select(Decision).where(Decision.draft_id == draft_id))

    def claim_decision(
        self,
        draft: Draft,
        actor: str,
        action: str,
        note: str | None,
        final_text: str | None,
        audit_detail: dict[str, Any] | None = None,
    ) -> Decision | None:
        """The one atomic step of a decision: pending -> decided, or None if someone else won."""
        now = utcnow()
        try:
            with self._db.session() as session:
                claimed = session.execute(
                    update(Draft)
                    .where(Draft.id == draft.id, Draft.status == "pending")
                    .values(status=DECIDED_STATUS[action])
                    .returning(Draft.id)
                ).first()
                if claimed is None:
                    return None
                decision = Decision(
                    draft_id=draft.id, actor=actor, action=action, note=note, final_text=final_text, decided_at=now
                )
                session.add(decision)
                _audit_decision(session, draft, decision, audit_detail or {})
                metrics.DECISIONS.labels(action).inc()
                metrics.TIME_TO_DECISION.observe((now - draft.created_at).total_seconds())
                return decision
        except IntegrityError:
            return None


def _audit_decision(session: Session, draft: Draft, decision: Decision, extra: dict[str, Any]) -> None:
    detail: dict[str, Any] = dict(extra)
    if decision.note:
        detail["note"] = decision.note
    if decision.action == "edit":
        detail["edited"] = decision.final_text != draft.text
        detail["final_text"] = decision.final_text
    audit.record(
        session,
        decision.actor,
        f"draft.{DECIDED_STATUS[decision.action]}",
        request_id=draft.request_id,
        draft_id=draft.id,
        revision=draft.revision,
        **detail,
    )


def _asked_at(session: Session, record: DraftRecord) -> datetime:
    """When this version was asked for: the request itself, or the decision asking for changes."""
    if record.revision > 1:
        asked = session.scalar(
            select(Decision.decided_at)
            .join(Draft, Draft.id == Decision.draft_id)
            .where(Draft.request_id == record.request_id, Draft.revision == record.revision - 1)
        )
        if asked is not None:
            return asked
    request = session.get(Request, record.request_id)
    return request.created_at if request is not None else utcnow()


def _citation_key(source: dict[str, Any]) -> str:
    return f"{source.get('doc_id')}@{source.get('version')}#{source.get('section')}"
