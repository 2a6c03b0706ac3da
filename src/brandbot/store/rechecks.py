"""Re-checks of approved texts after the guidelines or the rules changed: their work rows, their
progress and what they found.

A change records its re-check in the transaction that records the change (`enqueue`). A run
walks the approved texts of its window in request-id order, one batch per transaction: the
batch's findings and the cursor past it are written together, so a run cut short resumes after
its last batch and never checks a text twice. Finishing writes the digest notice with it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from brandbot.store import queue
from brandbot.store.db import Database
from brandbot.store.events import AlreadyHandled
from brandbot.store.models import Base, Decision, Draft, Request, WorkItem, utcnow
from brandbot.store.outbox import Notice, notify
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.store.work_kinds import WorkKind


class RunState(enum.StrEnum):
    running = "running"
    done = "done"


class FindingKind(enum.StrEnum):
    rule = "rule"
    """A rule of the current rules version fires on the approved text."""
    passage_changed = "passage_changed"
    """A cited passage reads differently in its document's current version."""
    passage_removed = "passage_removed"
    """A cited passage, or its whole document, is gone."""


class Recheck(Base):
    __tablename__ = "rechecks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """The work row's key (or the CLI's run): one run per change event."""
    cause: Mapped[str] = mapped_column(String(200))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    """{"rules": bool, "documents": [doc_id, ...] or None for all}: what changed."""
    since: Mapped[datetime] = mapped_column()
    until: Mapped[datetime] = mapped_column()
    """Texts approved in [since, until]: fixed at the start, so a resumed run checks the same set."""
    total: Mapped[int] = mapped_column(Integer)
    checked: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[str] = mapped_column(String(40), default="")
    """The last request id checked; the next batch starts after it."""
    state: Mapped[str] = mapped_column(String(20), default=RunState.running.value)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class RecheckFinding(Base):
    __tablename__ = "recheck_findings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    recheck_id: Mapped[int] = mapped_column(ForeignKey("rechecks.id"), index=True)
    request_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    """A rule: check, message, match, link. A passage: doc_id, source, section, versions, old and new text."""
    revision_request_id: Mapped[str | None] = mapped_column(String(40), default=None)
    """The request started from the approved text to revise it; None while the finding is open."""


@dataclass(frozen=True)
class ApprovedRecord:
    """What a re-check needs of one approved text."""

    request_id: str
    requester: str
    request: str
    text: str
    format: str | None
    promotional: bool
    approved_at: datetime
    sources: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    """The approved draft's alerts: what its approver already saw."""


@dataclass(frozen=True)
class Found:
    request_id: str
    kind: FindingKind
    detail: dict[str, Any]


@dataclass(frozen=True)
class RunSummary:
    run: Recheck
    findings: int
    revising: int
    """Findings whose text a revision was requested for."""


def enqueue(session: Session, cause: str, *, rules: bool = False, documents: list[str] | None = None) -> None:
    """Called in the transaction that records a change; `cause` names the change uniquely.
    `documents`: the guideline documents whose cited passages to compare (none if not given)."""
    scope = {"rules": rules, "documents": list(documents or [])}
    queue.put(session, WorkItem, WorkKind.recheck, f"{WorkKind.recheck}:{cause}", {"cause": cause, "scope": scope})


class RecheckStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, key: str, cause: str, scope: dict[str, Any], days: int) -> Recheck:
        """The run for `key`: the one already started (a resumed work row), or a new one."""
        with self._db.session() as session:
            run = session.scalar(select(Recheck).where(Recheck.key == key))
            if run is not None:
                return run
            until = utcnow()
            since = until - timedelta(days=days)
            run = Recheck(
                key=key,
                cause=cause,
                scope=scope,
                since=since,
                until=until,
                total=session.scalar(select(func.count()).select_from(_approved(since, until).subquery())) or 0,
            )
            session.add(run)
            session.flush()
            return run

    def batch(self, run: Recheck, limit: int) -> list[ApprovedRecord]:
        """The next `limit` approved texts of the run's window after its cursor."""
        query = _approved(run.since, run.until).where(Request.id > run.cursor).order_by(Request.id).limit(limit)
        with self._db.read() as session:
            return [
                ApprovedRecord(
                    request_id=request.id,
                    requester=request.requester,
                    request=request.text,
                    text=request.final_text or draft.text,
                    format=(request.brief or {}).get("format"),
                    promotional=bool((request.brief or {}).get("promotional")),
                    approved_at=decided_at,
                    sources=list(draft.sources),
                    alerts=list(draft.alerts),
                )
                for request, draft, decided_at in session.execute(query)
            ]

    def record_batch(self, run: Recheck, checked: list[ApprovedRecord], found: list[Found]) -> bool:
        """The batch's findings and the cursor past it, together; False (nothing written) when
        another worker already recorded this batch."""
        if not checked:
            return True
        last = checked[-1].request_id
        with self._db.session() as session:
            moved = session.execute(
                update(Recheck)
                .where(Recheck.id == run.id, Recheck.cursor == run.cursor)
                .values(cursor=last, checked=Recheck.checked + len(checked))
                .returning(Recheck.checked)
            ).first()
            if moved is None:
                return False
            session.add_all(
                RecheckFinding(recheck_id=run.id, request_id=f.request_id, kind=f.kind.value, detail=f.detail)
                for f in found
            )
        run.cursor, run.checked = last, int(moved[0])
        return True

    def finish(self, run: Recheck, *, notify_channel: bool) -> None:
        """Done, and the digest notice in the same transaction when there is anything to tell."""
        with self._db.session() as session:
            done = session.execute(
                update(Recheck)
                .where(Recheck.id == run.id, Recheck.state == RunState.running.value)
                .values(state=RunState.done.value, finished_at=utcnow())
                .returning(Recheck.id)
            ).first()
            found = session.scalar(select(func.count()).where(RecheckFinding.recheck_id == run.id))
            if done is not None and found and notify_channel:
                notify(session, Notice.recheck_digest, str(run.id), recheck_id=run.id)
        run.state = RunState.done.value

    def get(self, recheck_id: int) -> Recheck | None:
        with self._db.read() as session:
            return session.get(Recheck, recheck_id)

    def latest_open(self) -> Recheck | None:
        """The latest finished run with findings nobody has asked to revise yet: App Home's."""
        open_finding = select(RecheckFinding.id).where(
            RecheckFinding.recheck_id == Recheck.id, RecheckFinding.revision_request_id.is_(None)
        )
        query = (
            select(Recheck)
            .where(Recheck.state == RunState.done.value, open_finding.exists())
            .order_by(Recheck.id.desc())
            .limit(1)
        )
        with self._db.read() as session:
            return session.scalars(query).first()

    def runs(self, limit: int = 20) -> list[RunSummary]:
        """The latest runs, newest first, with their findings counted: their progress."""
        found = (
            select(
                RecheckFinding.recheck_id,
                func.count().label("findings"),
                func.count(RecheckFinding.revision_request_id).label("revising"),
            )
            .group_by(RecheckFinding.recheck_id)
            .subquery()
        )
        query = (
            select(Recheck, found.c.findings, found.c.revising)
            .outerjoin(found, found.c.recheck_id == Recheck.id)
            .order_by(Recheck.id.desc())
            .limit(limit)
        )
        with self._db.read() as session:
            return [RunSummary(run, findings or 0, revising or 0) for run, findings, revising in session.execute(query)]

    def findings(self, recheck_id: int, *, open_only: bool = False) -> list[RecheckFinding]:
        query = select(RecheckFinding).where(RecheckFinding.recheck_id == recheck_id)
        if open_only:
            query = query.where(RecheckFinding.revision_request_id.is_(None))
        with self._db.read() as session:
            return list(session.scalars(query.order_by(RecheckFinding.request_id, RecheckFinding.id)))

    def asked(self, findings: list[RecheckFinding]) -> dict[str, str]:
        """What was asked for each text with findings: how the digest names a text."""
        ids = {finding.request_id for finding in findings}
        with self._db.read() as session:
            rows = session.execute(select(Request.id, Request.text).where(Request.id.in_(ids)))
            return {row.id: row.text for row in rows}


def mark_revising(session: Session, recheck_id: int, request_id: str, revision_request_id: str) -> None:
    """In the transaction that creates the revision request, so there is never a request without
    its mark: raises `AlreadyHandled` (creating nothing) once a revision of the text was requested."""
    marked = session.execute(
        update(RecheckFinding)
        .where(
            RecheckFinding.recheck_id == recheck_id,
            RecheckFinding.request_id == request_id,
            RecheckFinding.revision_request_id.is_(None),
        )
        .values(revision_request_id=revision_request_id)
        .returning(RecheckFinding.id)
    ).all()
    if not marked:
        raise AlreadyHandled


def _approved(since: datetime, until: datetime) -> Any:
    """Approved texts (imported examples aside) with their approved draft and when it was approved."""
    return (
        select(Request, Draft, Decision.decided_at)
        .join(Draft, Draft.request_id == Request.id)
        .join(Decision, Decision.draft_id == Draft.id)
        .where(
            Request.status == RequestStatus.approved,
            Request.origin != "import",
            Draft.status == DraftStatus.approved,
            Decision.decided_at >= since,
            Decision.decided_at <= until,
        )
    )
