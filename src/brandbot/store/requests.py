"""Requests, their draft revisions and the decisions on them.

Each change that causes more work or news writes it in the same transaction: a request its
draft job, a draft its card notice, a decision its resume job and its news, a failure its news.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brandbot import metrics
from brandbot.store import audit, queue, receipts
from brandbot.store.budget import Charge
from brandbot.store.db import Database
from brandbot.store.events import AlreadyHandled, claim_in
from brandbot.store.models import Decision, Draft, Request, WorkItem, utcnow
from brandbot.store.outbox import Notice, notify
from brandbot.store.status import DECIDED_STATUS, UNFINISHED, Action, DraftStatus, RequestStatus
from brandbot.store.work_kinds import WorkKind

Along = Callable[[Session, str], None]
"""A write that goes with a new request, in its transaction, given the request's id."""


class RequestWithdrawn(Exception):
    """The requester withdrew the request: whoever works on it stops, writing nothing more."""


class _Lost(Exception):
    """Rolls back a decision someone else made first, event keys included: the loser's message
    is then free to be answered."""


@dataclass(frozen=True)
class ApprovedText:
    request_id: str
    request: str
    text: str


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(5)}"


def resume_key(draft_id: str) -> str:
    return f"resume:{draft_id}"


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
    rules_version: int | None = None
    sampling: dict[str, Any] = field(default_factory=dict)
    prompt_sha256: str | None = None
    examples: list[str] = field(default_factory=list)
    """Request ids of the approved texts shown as examples."""


class RequestStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create_request(
        self,
        requester: str,
        text: str,
        origin: str,
        reply_to: dict[str, Any] | None = None,
        *,
        event_keys: tuple[str, ...] = (),
        along: Along | None = None,
        charge: Charge | None = None,
    ) -> Request | None:
        """The request and its draft job, together. `event_keys` (a Slack event id, a message ts)
        make a repeated delivery create nothing: None then. `along` writes what the request was
        made for in the same transaction; raising `AlreadyHandled` there creates nothing. `charge`
        pays for its drafting: `OverBudget` (nothing created) past the requester's budget."""
        request = Request(
            id=new_id("req"),
            requester=requester,
            text=text,
            origin=origin,
            status=RequestStatus.received,
            reply_to=reply_to,
        )
        request.thread_channel, request.thread_ts = _thread(reply_to)
        try:
            with self._db.session() as session:
                if not all([claim_in(session, key) for key in event_keys]):
                    raise AlreadyHandled
                if charge is not None:
                    charge.take(session)
                session.add(request)
                session.flush()
                audit.record(session, requester, "request.created", request_id=request.id, origin=origin)
                queue.put(session, WorkItem, WorkKind.draft, f"draft:{request.id}", request_id=request.id)
                if reply_to and "channel" in reply_to:
                    notify(session, Notice.queued, request.id, request_id=request.id)
                if along is not None:
                    along(session, request.id)
        except (AlreadyHandled, IntegrityError):
            return None
        return request

    def import_approved(self, actor: str, request: str, brief: dict[str, Any], final_text: str) -> Request:
        """A text approved outside brandbot (a team's past copy), recorded as approved so that it
        serves as an example of the voice; no draft, no job. Audited as an import."""
        record = Request(
            id=new_id("req"),
            requester=actor,
            text=request,
            origin="import",
            status=RequestStatus.approved,
            brief=brief,
            final_text=final_text,
        )
        with self._db.session() as session:
            session.add(record)
            session.flush()
            audit.record(session, actor, "request.imported_approved", request_id=record.id, format=brief.get("format"))
        return record

    def get_request(self, request_id: str) -> Request | None:
        with self._db.read() as session:
            return session.get(Request, request_id)

    def in_thread(self, channel: str, thread_ts: str) -> list[Request]:
        """The requests answered in a Slack thread, oldest first: a thread's replies are about them.
        Asked on every thread reply in every channel the bot is in, so by the indexed columns."""
        query = (
            select(Request)
            .where(Request.thread_channel == channel, Request.thread_ts == thread_ts)
            .order_by(Request.created_at)
        )
        with self._db.read() as session:
            return list(session.scalars(query))

    def list_requests(
        self, *, status: str | None = None, requester: str | None = None, limit: int = 50
    ) -> list[Request]:
        query = select(Request).order_by(Request.created_at.desc()).limit(limit)
        if status:
            query = query.where(Request.status == status)
        if requester:
            query = query.where(Request.requester == requester)
        with self._db.read() as session:
            return list(session.scalars(query))

    def approved_texts(self, fmt: str, limit: int) -> list[ApprovedText]:
        """The most recent approved texts of a format, as the approver let them go out."""
        query = (
            select(Request.id, Request.text, Request.final_text)
            .where(
                Request.status == RequestStatus.approved,
                Request.final_text.is_not(None),
                Request.brief["format"].as_string() == fmt,
            )
            .order_by(Request.updated_at.desc())
            .limit(limit)
        )
        with self._db.read() as session:
            return [ApprovedText(row.id, row.text, row.final_text) for row in session.execute(query)]

    def update_request(self, request_id: str, *, drafting: int | None = None, **fields: Any) -> None:
        """A withdrawn request stays withdrawn, whatever a drafting worker still running writes.
        An update made for `drafting` a revision is dropped once a draft of that revision is
        recorded: a worker that re-runs the workflow after another stopped past that point
        (before its checkpoint) leaves the request awaiting review of the draft on the card."""
        query = update(Request).where(Request.id == request_id, Request.status != RequestStatus.withdrawn)
        if drafting is not None:
            recorded = select(Draft.id).where(Draft.request_id == request_id, Draft.revision >= drafting)
            query = query.where(~recorded.exists())
        with self._db.session() as session:
            session.execute(query.values(updated_at=utcnow(), **fields))

    def withdraw_unstarted(self, request_id: str, actor: str) -> bool:
        """received or drafting -> withdrawn, audited; False if the request is past that (a draft
        awaits review: withdrawing it is a decision) or was withdrawn already."""
        with self._db.session() as session:
            withdrawn = session.execute(
                update(Request)
                .where(Request.id == request_id, Request.status.in_(UNFINISHED))
                .values(status=RequestStatus.withdrawn, updated_at=utcnow())
                .returning(Request.id)
            ).first()
            if withdrawn is None:
                return False
            audit.record(session, actor, "request.withdrawn", request_id=request_id)
            return True

    def set_reply_to(self, request_id: str, **fields: Any) -> None:
        """Adds to where the requester waits, e.g. the ts of the progress message to edit."""
        with self._db.session() as session:
            request = session.get(Request, request_id, with_for_update=True)
            if request is not None:
                request.reply_to = {**(request.reply_to or {}), **fields}
                request.thread_channel, request.thread_ts = _thread(request.reply_to)

    def claim_status_message(self, request_id: str, ts: str) -> str | None:
        """Makes `ts` the request's progress message unless it has one: the ts that won."""
        with self._db.session() as session:
            request = session.get(Request, request_id, with_for_update=True)
            if request is None:
                return None
            reply_to = request.reply_to or {}
            if "status_ts" not in reply_to:
                request.reply_to = {**reply_to, "status_ts": ts}
                return ts
            return str(reply_to["status_ts"])

    def fail(self, request_id: str, error: str) -> None:
        """The request stops here until someone retries it; the requester is told why."""
        with self._db.session() as session:
            request = session.get(Request, request_id, with_for_update=True)
            if request is None or request.status == RequestStatus.withdrawn:
                return
            request.status, request.error, request.updated_at = RequestStatus.failed, error, utcnow()
            if request.reply_to:
                notify(session, Notice.failed, secrets.token_hex(6), request_id=request_id, error=error)

    def refuse(self, request_id: str, why: str, verdict: dict[str, Any]) -> None:
        """The content guard's refusal: final, audited with its verdict, told to the requester."""
        with self._db.session() as session:
            request = session.get(Request, request_id, with_for_update=True)
            if request is None or request.status == RequestStatus.refused:
                return
            request.status, request.error, request.updated_at = RequestStatus.refused, why, utcnow()
            audit.record(session, "brandbot", "request.refused", request_id=request_id, **verdict)
            if request.reply_to:
                notify(session, Notice.refused, request_id, request_id=request_id, error=why)

    def reopen(self, request_id: str, actor: str, charge: Charge | None = None) -> bool:
        """failed -> received with a retry job, for one caller only: two retries at once give one run.
        `charge` pays for the run: `OverBudget` (the request stays failed) past the budget."""
        with self._db.session() as session:
            reopened = session.execute(
                update(Request)
                .where(Request.id == request_id, Request.status == RequestStatus.failed)
                .values(status=RequestStatus.received, error=None, updated_at=utcnow())
                .returning(Request.id)
            ).first()
            if reopened is None:
                return False
            if charge is not None:
                charge.take(session)
            audit.record(session, actor, "request.retried", request_id=request_id)
            queue.put(
                session, WorkItem, WorkKind.retry, f"retry:{request_id}:{secrets.token_hex(4)}", request_id=request_id
            )
            return True

    def record_draft(self, record: DraftRecord, ttl: timedelta) -> Draft:
        """Idempotent per (request, revision): a resumed workflow re-running this, or a second
        worker racing it, gets the same row, and only the first writes the audit entry and the card notice.
        A request retried since its draft was recorded (received again) awaits review of it again.
        Raises `RequestWithdrawn` for a request its requester withdrew meanwhile: no card goes out."""
        now = utcnow()
        values = {
            "id": new_id("d"),
            "request_id": record.request_id,
            "revision": record.revision,
            "text": record.text,
            "sources": record.sources,
            "checks": record.checks,
            "alerts": record.alerts,
            "fixes": record.fixes,
            "auto_revisions": record.auto_revisions,
            "model": record.model,
            "rules_version": record.rules_version,
            "sampling": record.sampling,
            "prompt_sha256": record.prompt_sha256,
            "examples": record.examples,
            "status": DraftStatus.pending,
            "created_at": now,
            "expires_at": now + ttl,
        }
        with self._db.session() as session:
            request = session.get(Request, record.request_id, with_for_update=True)
            if request is not None and request.status == RequestStatus.withdrawn:
                raise RequestWithdrawn(record.request_id)
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            inserted = session.execute(
                insert(Draft)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["request_id", "revision"])
                .returning(Draft.id)
            ).first()
            draft = session.scalar(
                select(Draft).where(Draft.request_id == record.request_id, Draft.revision == record.revision)
            )
            assert draft is not None
            if inserted is not None:
                self._announce_draft(session, draft, record, now)
            elif request is not None and request.status in UNFINISHED and draft.status == DraftStatus.pending:
                request.status, request.error, request.updated_at = RequestStatus.awaiting_review, None, now
            return draft

    def _announce_draft(self, session: Session, draft: Draft, record: DraftRecord, now: datetime) -> None:
        metrics.DRAFTS.inc()
        metrics.TIME_TO_DRAFT.observe((now - _asked_at(session, record)).total_seconds())
        request = session.get(Request, record.request_id, with_for_update=True)
        assert request is not None
        request.status, request.error, request.updated_at = RequestStatus.awaiting_review, None, now
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
        if request.reply_to:
            notify(session, Notice.draft_ready, draft.id, request_id=request.id, draft_id=draft.id)

    def set_card(self, draft_id: str, card: dict[str, Any]) -> None:
        with self._db.session() as session:
            session.execute(update(Draft).where(Draft.id == draft_id).values(card=card))

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._db.read() as session:
            return session.get(Draft, draft_id)

    def drafts_for(self, request_id: str) -> list[Draft]:
        with self._db.read() as session:
            return list(session.scalars(select(Draft).where(Draft.request_id == request_id).order_by(Draft.revision)))

    def latest_draft(self, request_id: str) -> Draft | None:
        with self._db.read() as session:
            return _latest(session, request_id)

    def draft_state(self, draft_id: str) -> DraftState | None:
        """A draft, its request, its decision and the request's latest revision, in one read:
        what a decision checks and a decided card shows, where an approver waits for it."""
        with self._db.read() as session:
            draft = session.get(Draft, draft_id)
            if draft is None:
                return None
            request = session.get(Request, draft.request_id)
            assert request is not None, "a draft's request is never deleted"
            decision = session.scalar(select(Decision).where(Decision.draft_id == draft_id))
            return DraftState(draft, request, decision, _latest(session, draft.request_id))

    def pending_drafts(self) -> list[Draft]:
        with self._db.read() as session:
            return list(
                session.scalars(select(Draft).where(Draft.status == DraftStatus.pending).order_by(Draft.created_at))
            )

    def due_for_expiry(self, now: datetime) -> list[Draft]:
        with self._db.read() as session:
            return list(
                session.scalars(select(Draft).where(Draft.status == DraftStatus.pending, Draft.expires_at <= now))
            )

    def decided_but_waiting(self) -> list[Draft]:
        """The latest drafts of requests still awaiting review although they were decided: a
        resume that never ran. The sweep queues their resume again (a no-op if it is queued)."""
        latest = (
            select(Draft.request_id, func.max(Draft.revision).label("revision")).group_by(Draft.request_id).subquery()
        )
        query = (
            select(Draft)
            .join(latest, (Draft.request_id == latest.c.request_id) & (Draft.revision == latest.c.revision))
            .join(Request, Request.id == Draft.request_id)
            .where(Request.status == RequestStatus.awaiting_review, Draft.status != DraftStatus.pending)
        )
        with self._db.session() as session:
            return list(session.scalars(query))

    def queue_resume(self, draft: Draft) -> None:
        with self._db.session() as session:
            queue.put(session, WorkItem, WorkKind.resume, resume_key(draft.id), request_id=draft.request_id)

    def decision_for(self, draft_id: str) -> Decision | None:
        with self._db.read() as session:
            return session.scalar(select(Decision).where(Decision.draft_id == draft_id))

    def claim_decision(
        self,
        draft: Draft,
        actor: str,
        action: Action,
        note: str | None,
        final_text: str | None,
        audit_detail: dict[str, Any] | None = None,
        *,
        event_keys: tuple[str, ...] = (),
        charge: Charge | None = None,
    ) -> Decision | None:
        """The one atomic step of a decision: pending -> decided, or None if someone else won.
        The resume of the workflow and the news for the people are written with it. A decision
        from a Slack message claims its `event_keys` with it: `AlreadyHandled` for a repeat.
        `charge` pays for the revision it asks for: `OverBudget` (nothing decided) past the budget."""
        now = utcnow()
        try:
            with self._db.session() as session:
                if not all([claim_in(session, key) for key in event_keys]):
                    raise AlreadyHandled
                claimed = session.execute(
                    update(Draft)
                    .where(Draft.id == draft.id, Draft.status == DraftStatus.pending)
                    .values(status=DECIDED_STATUS[action])
                    .returning(Draft.id)
                ).first()
                if claimed is None:
                    raise _Lost
                if charge is not None:
                    charge.take(session)
                decision = Decision(
                    draft_id=draft.id, actor=actor, action=action, note=note, final_text=final_text, decided_at=now
                )
                session.add(decision)
                queue.put(session, WorkItem, WorkKind.resume, resume_key(draft.id), request_id=draft.request_id)
                request = session.get(Request, draft.request_id)
                if request is not None and request.reply_to:
                    told = {"request_id": draft.request_id, "draft_id": draft.id}
                    notify(session, Notice.card_closed, draft.id, **told)
                    notify(session, Notice.decided, draft.id, **told, card_apart=True)
                # Last: the audit append locks the chain's head until the commit, and every
                # decision, anywhere, waits for that lock.
                _audit_decision(session, draft, decision, audit_detail or {})
                metrics.DECISIONS.labels(action).inc()
                metrics.TIME_TO_DECISION.observe((now - draft.created_at).total_seconds())
                return decision
        except (_Lost, IntegrityError):
            return None


@dataclass(frozen=True)
class DraftState:
    draft: Draft
    request: Request
    decision: Decision | None
    latest: Draft | None


def _latest(session: Session, request_id: str) -> Draft | None:
    return session.scalar(select(Draft).where(Draft.request_id == request_id).order_by(Draft.revision.desc()).limit(1))


def _audit_decision(session: Session, draft: Draft, decision: Decision, extra: dict[str, Any]) -> None:
    detail: dict[str, Any] = dict(extra)
    if decision.note:
        detail["note"] = decision.note
    if decision.action == Action.edit:
        detail["edited"] = decision.final_text != draft.text
        detail["final_text"] = decision.final_text
    if DECIDED_STATUS[Action(decision.action)] == DraftStatus.approved:
        session.flush()
        receipt = receipts.build(session, draft.id)
        assert receipt is not None, "the draft is approved and its decision written"
        detail["receipt"] = receipts.seal(receipt)
    audit.record(
        session,
        decision.actor,
        f"draft.{DECIDED_STATUS[Action(decision.action)]}",
        request_id=draft.request_id,
        draft_id=draft.id,
        revision=draft.revision,
        **detail,
    )


def _thread(reply_to: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """The Slack thread a request is answered in, as (channel, thread ts), if it has one."""
    channel, thread_ts = (reply_to or {}).get("channel"), (reply_to or {}).get("thread_ts")
    if isinstance(channel, str) and isinstance(thread_ts, str):
        return channel, thread_ts
    return None, None


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
