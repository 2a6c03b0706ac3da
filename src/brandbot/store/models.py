"""App records: guideline documents, requests, draft versions, decisions and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[Any]) -> Table:
    """A model's table, for Core statements where Slack waits: they skip the ORM's bulk layer,
    which costs more than the statement itself."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite forgets time zones; every timestamp comes back as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    """The live version of each guideline document: search sees exactly these versions."""

    __tablename__ = "documents"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(64))
    chunk_count: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuarantinedChunk(Base):
    """A guideline passage held back at ingest (it reads as aimed at a model): not searched
    until an admin releases it; `chunk` holds what indexing it needs."""

    __tablename__ = "quarantined_chunks"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    chunk: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="held")
    """held, released or deleted."""
    held_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class KnowledgeBaseState(Base):
    """One row; `generation` moves on every change so caches (BM25) know to rebuild."""

    __tablename__ = "knowledge_base_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (Index("ix_requests_thread", "thread_channel", "thread_ts"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    requester: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(40), default="cli")
    status: Mapped[str] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text, default=None)
    brief: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    final_text: Mapped[str | None] = mapped_column(Text, default=None)
    reply_to: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    """Where the requester waits for news, e.g. a Slack channel and thread."""
    thread_channel: Mapped[str | None] = mapped_column(Text, default=None)
    thread_ts: Mapped[str | None] = mapped_column(Text, default=None)
    """`reply_to`'s Slack thread as columns: every thread reply looks its requests up by them."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    """One revision of a request's draft; at most one per request is pending at a time."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("request_id", "revision"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[Any]] = mapped_column(default=list)
    checks: Mapped[list[Any]] = mapped_column(default=list)
    alerts: Mapped[list[Any]] = mapped_column(default=list)
    fixes: Mapped[list[Any]] = mapped_column(default=list)
    auto_revisions: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    card: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    """Where the approval message for this draft was posted, to update it in place."""
    rules_version: Mapped[int | None] = mapped_column(Integer, default=None)
    """The brand rules version (`rule_versions.id`) the checks ran with; None: no rules installed."""
    sampling: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The sampling parameters sent with the prompt (temperature, penalties, max_tokens)."""
    prompt_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    """sha256 of the canonical form of the exact prompt messages (`store/canonical.py`)."""
    examples: Mapped[list[Any]] = mapped_column(default=list)
    """Request ids of the approved texts the drafter was shown as examples of the voice."""


class Decision(Base):
    """The unique constraint on draft_id is the last line of defence against double decisions."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), unique=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    final_text: Mapped[str | None] = mapped_column(Text, default=None)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), and
    on PostgreSQL the app role appends only through the `audit_append` function (migration 0016)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    request_id: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    draft_id: Mapped[str | None] = mapped_column(String(40), default=None)
    revision: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    """sha256 over the entry's fields and `prev_hash`: see `store/audit_chain.py`."""


class AuditChainHead(Base):
    """One row: the last entry of the audit chain. Appends lock and move it in their transaction,
    so they take turns and the chain never forks; `verify` checks the log ends where it says."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    receipts_from: Mapped[int] = mapped_column(Integer, default=1)
    """Every approval recorded from this entry id on carries a sealed receipt; an unsealed one
    before it predates receipts (`store/receipts.py`)."""


class AuditAnchor(Base):
    """A chain head's hash also posted outside the database (`store/audit_anchors.py`): the chain
    must still hold it, so a rewrite or a cut of the log up to it shows."""

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    anchored_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RuleProposal(Base):
    """A brand rule mined from reviewers' edits and change requests, waiting for an admin; once
    adopted or dismissed it stays so, and its `key` keeps the same change from coming back."""

    __tablename__ = "rule_proposals"
    __table_args__ = ({"sqlite_autoincrement": True},)
    """An id is never given again once `sync` deleted its row: a stale Adopt button, or an id
    typed from an old listing, finds nothing rather than another rule (PostgreSQL's sequence
    never reuses ids either)."""

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(240), unique=True)
    """kind:phrase:replacement, case-folded: one row per change, whatever its casing."""
    kind: Mapped[str] = mapped_column(String(20))
    phrase: Mapped[str] = mapped_column(String(100))
    replacement: Mapped[str] = mapped_column(String(100), default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    """The reviewer decisions that showed the change (`rulebook/learning.py` Evidence)."""
    backtest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """How often the rule would have fired on past texts (`rulebook/backtest.py` BackTest)."""
    state: Mapped[str] = mapped_column(String(20), default="proposed")
    """proposed, adopted or dismissed."""
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    rule_id: Mapped[str | None] = mapped_column(String(200), default=None)
    """The rule it was adopted as (Style.Rule)."""
    rules_version: Mapped[int | None] = mapped_column(Integer, default=None)
    """The rules version (`rule_versions.id`) that adoption published."""


class ProcessedEvent(Base):
    """Keys of inbound events already handled: Slack retries and double clicks stop here."""

    __tablename__ = "processed_events"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    """The sweep deletes keys older than Slack's retries (`event_retention_hours`)."""


class OnceKey(Base):
    """Keys of business effects done once (the draft a "Draft it instead" click starts, a
    rewrite): never pruned, since a click hours later must still find its effect done."""

    __tablename__ = "once_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class LLMBudget(Base):
    """What one person has used of one hourly budget (`store/budget.py`) in the clock hour
    starting at `window_start`: one row per person, kind and hour, counted up atomically."""

    __tablename__ = "llm_budgets"

    person: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    used: Mapped[int] = mapped_column(Integer)


class Lease(Base):
    """A named job that one replica at a time runs (the expiry sweep, recovery), until `expires_at`."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column()


class QueuedRow:
    """What work rows and outbox rows share: claimed with a lease by one replica, retried with
    backoff, finished once. `key` makes enqueueing idempotent."""

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    request_id: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    owner: Mapped[str | None] = mapped_column(String(120), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class WorkItem(QueuedRow, Base):
    """A slow unit of work: draft a request, resume a decided draft, ingest an upload."""

    __tablename__ = "work"
    __table_args__ = (Index("ix_work_due", "state", "run_after"),)


class OutboxMessage(QueuedRow, Base):
    """A message to people about a fact (a draft is ready, a decision, a failure)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "run_after"),)

    messages: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The Slack messages this row produced, by role ({"card": {"channel", "ts"}, ...}):
    a re-delivery updates them instead of posting again."""
