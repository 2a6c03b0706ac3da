"""Receipts: what an approved text was made from and who let it out, built from the stored
records (the request, the approved draft, its decision, the rules version), so it can be built
again at any time.

At approval a hash of each part of the receipt, and one over them all, go into the approval's
audit entry, which the hash chain protects: `verify` rebuilds every receipt and names each part
whose records changed after the approval. An approval the records show (an approved draft or
request, an approve or edit decision, an approval entry) with no sealed receipt is reported,
unless its entry comes before `AuditChainHead.receipts_from`, the entry from which every approval
has been sealed: only those predate receipts, which no later change to the records can fake.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from brandbot.store.audit_chain import HEAD_ID
from brandbot.store.canonical import digest, text_digest, timestamp
from brandbot.store.db import Database
from brandbot.store.models import AuditChainHead, AuditEntry, Decision, Draft, Request
from brandbot.store.rule_versions import RuleVersion
from brandbot.store.status import DECIDED_STATUS, DraftStatus, RequestStatus

APPROVAL = f"draft.{DraftStatus.approved.value}"
"""The audit action of an approval (plain or edited): its entry holds the receipt's seal."""
PARTS = {
    "request": "request",
    "draft": "draft",
    "passages": "cited passages",
    "rules": "rules and their results",
    "generation": "model, sampling and prompt",
    "decision": "decision",
    "final_text_sha256": "decision final text",
}
"""Each part of a receipt, as `verify` names it when it changed."""
UNSEALED = "approved with no sealed receipt in the audit log"
APPROVING = [action.value for action, status in DECIDED_STATUS.items() if status == DraftStatus.approved]
"""The decisions that approve a draft: approve, and edit."""


@dataclass(frozen=True)
class RequestPart:
    id: str
    requester: str
    text: str
    origin: str
    asked_at: str
    brief: dict[str, Any] | None


@dataclass(frozen=True)
class DraftPart:
    id: str
    revision: int
    drafted_at: str
    text_sha256: str
    """The text as drafted and checked, before any edit by the approver."""


@dataclass(frozen=True)
class Passage:
    """A guideline passage the draft was written from: where it is and which version."""

    doc_id: str | None
    title: str | None
    section: str | None
    version: str | None
    """The document version's content hash."""
    page: int | None
    chunk_id: str | None


@dataclass(frozen=True)
class RulesPart:
    version: int | None
    """None: no brand rules were installed, or the draft predates receipts."""
    digest: str | None
    """sha256 of the rules version's archive."""
    checks: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    fixes: list[dict[str, Any]]
    auto_revisions: int


@dataclass(frozen=True)
class GenerationPart:
    model: str
    sampling: dict[str, Any]
    prompt_sha256: str | None
    examples: list[str]
    """Request ids of the approved texts shown to the drafter as examples."""


@dataclass(frozen=True)
class DecisionPart:
    approver: str
    action: str
    """approve, or edit: the approver changed the text before approving it."""
    decided_at: str


@dataclass(frozen=True)
class Receipt:
    request: RequestPart
    draft: DraftPart
    passages: list[Passage]
    rules: RulesPart
    generation: GenerationPart
    decision: DecisionPart
    final_text_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def part_hashes(self) -> dict[str, str]:
        return {name: digest(value) for name, value in self.to_dict().items()}

    def sha256(self) -> str:
        return digest(self.part_hashes())


def seal(receipt: Receipt) -> dict[str, Any]:
    """What the approval's audit entry keeps of the receipt."""
    return {"sha256": receipt.sha256(), "parts": receipt.part_hashes()}


@dataclass(frozen=True)
class Sealed:
    entry_id: int
    sha256: str
    parts: dict[str, str]


@dataclass(frozen=True)
class Found:
    """A receipt as its records give it now, with the seal made at approval, if any."""

    receipt: Receipt
    sealed: Sealed | None
    """None: no approval entry holds a seal for it."""
    delivered_sha256: str | None
    """The hash of the text the requester was given, once it was."""
    predates_receipts: bool = False
    """Unsealed, and its approval entry comes before receipts were sealed: nothing to check."""

    def changes(self) -> list[str]:
        """What differs from the seal and from the approved text; empty when intact."""
        found: list[str] = []
        if self.sealed is not None:
            sealed = self.sealed.parts
            now = self.receipt.part_hashes()
            found += [f"{PARTS[name]} changed" for name in now if name in sealed and sealed[name] != now[name]]
            if not found and self.sealed.sha256 != self.receipt.sha256():
                found.append("receipt hash changed")
        elif not self.predates_receipts:
            found.append(UNSEALED)
        if self.delivered_sha256 is not None and self.delivered_sha256 != self.receipt.final_text_sha256:
            found.append("the delivered text differs from the approved text")
        return found


def build(session: Session, draft_id: str) -> Receipt | None:
    """The receipt of an approved draft from its stored records; None if it has none."""
    draft = session.get(Draft, draft_id)
    if draft is None or draft.status != DraftStatus.approved:
        return None
    request = session.get(Request, draft.request_id)
    decision = session.scalar(select(Decision).where(Decision.draft_id == draft_id))
    if request is None or decision is None:
        return None
    rules_digest = (
        session.scalar(select(RuleVersion.digest).where(RuleVersion.id == draft.rules_version))
        if draft.rules_version is not None
        else None
    )
    return Receipt(
        request=RequestPart(
            request.id, request.requester, request.text, request.origin, timestamp(request.created_at), request.brief
        ),
        draft=DraftPart(draft.id, draft.revision, timestamp(draft.created_at), text_digest(draft.text)),
        passages=[_passage(source) for source in draft.sources],
        rules=RulesPart(
            draft.rules_version, rules_digest, draft.checks, draft.alerts, draft.fixes, draft.auto_revisions
        ),
        generation=GenerationPart(draft.model, draft.sampling, draft.prompt_sha256, list(draft.examples)),
        decision=DecisionPart(decision.actor, decision.action, timestamp(decision.decided_at)),
        final_text_sha256=text_digest(decision.final_text if decision.final_text is not None else draft.text),
    )


def find(db: Database, id_: str) -> Found | None:
    """The receipt of a request (its approved draft) or of a draft, by either id."""
    with db.read() as session:
        draft_id = id_ if session.get(Draft, id_) is not None else _approved_draft_of(session, id_)
        receipt = build(session, draft_id) if draft_id is not None else None
        if receipt is None:
            return None
        approval = session.scalar(
            select(AuditEntry)
            .where(AuditEntry.draft_id == receipt.draft.id, AuditEntry.action == APPROVAL)
            .order_by(AuditEntry.id)
            .limit(1)
        )
        request = session.get(Request, receipt.request.id)
        sealed = _sealed(approval)
        predates = sealed is None and approval is not None and approval.id < _receipts_from(session)
        return Found(receipt, sealed, _delivered(request), predates)


def verify(db: Database) -> tuple[int, int, list[str]]:
    """Rebuilds the receipt of every approval, whether the audit log or the records show it: how
    many were sealed, how many predate receipts, and one line per change ("receipt of req_x:
    decision final text changed") or approval without a seal."""
    with db.read() as session:
        receipts_from = _receipts_from(session)
        approvals: dict[str, AuditEntry] = {}
        unlinked: list[AuditEntry] = []
        for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == APPROVAL).order_by(AuditEntry.id)):
            if entry.draft_id is None:
                unlinked.append(entry)
            else:
                approvals.setdefault(entry.draft_id, entry)
        sealed_count, predating, problems = 0, 0, []
        for entry in sorted([*unlinked, *approvals.values()], key=lambda entry: entry.id):
            sealed = _sealed(entry)
            if sealed is None:
                if entry.id < receipts_from:
                    predating += 1
                else:
                    problems.append(f"receipt of {entry.request_id}: {UNSEALED}")
                continue
            sealed_count += 1
            receipt = build(session, entry.draft_id) if entry.draft_id else None
            if receipt is None:
                problems.append(f"receipt of {entry.request_id}: its approved draft or decision is missing")
                continue
            found = Found(receipt, sealed, _delivered(session.get(Request, receipt.request.id)))
            problems += [f"receipt of {receipt.request.id}: {change}" for change in found.changes()]
        problems += [f"receipt of {request_id}: {UNSEALED}" for request_id in _approved_off_the_log(session, approvals)]
        problems += [
            f"receipt of {request_id}: the request is approved but none of its drafts is"
            for request_id in _approved_without_draft(session)
        ]
    return sealed_count, predating, problems


def _approved_off_the_log(session: Session, logged: dict[str, AuditEntry]) -> list[str]:
    """Request ids of drafts the records show approved (by status or decision) that no approval
    entry names."""
    drafts = select(Draft.id, Draft.request_id).where(Draft.status == DraftStatus.approved)
    decided = (
        select(Draft.id, Draft.request_id)
        .join(Decision, Decision.draft_id == Draft.id)
        .where(Decision.action.in_(APPROVING))
    )
    approved = {draft_id: request_id for draft_id, request_id in session.execute(drafts.union(decided))}
    return [approved[draft_id] for draft_id in sorted(approved) if draft_id not in logged]


def _approved_without_draft(session: Session) -> list[str]:
    approved_draft = select(Draft.id).where(Draft.request_id == Request.id, Draft.status == DraftStatus.approved)
    return list(
        session.scalars(
            select(Request.id)
            .where(Request.status == RequestStatus.approved, ~approved_draft.exists())
            .order_by(Request.id)
        )
    )


def _receipts_from(session: Session) -> int:
    return session.scalar(select(AuditChainHead.receipts_from).where(AuditChainHead.id == HEAD_ID)) or 1


def _approved_draft_of(session: Session, request_id: str) -> str | None:
    return session.scalar(
        select(Draft.id).where(Draft.request_id == request_id, Draft.status == DraftStatus.approved).limit(1)
    )


def _sealed(entry: AuditEntry | None) -> Sealed | None:
    seal = (entry.detail or {}).get("receipt") if entry is not None else None
    if entry is None or not isinstance(seal, dict):
        return None
    return Sealed(entry.id, str(seal.get("sha256")), dict(seal.get("parts") or {}))


def _delivered(request: Request | None) -> str | None:
    return text_digest(request.final_text) if request is not None and request.final_text is not None else None


def _passage(source: dict[str, Any]) -> Passage:
    return Passage(
        source.get("doc_id"),
        source.get("title"),
        source.get("section"),
        source.get("version"),
        source.get("page"),
        source.get("chunk_id"),
    )
