"""Checking approved texts again after the guidelines or the rules changed.

A text no longer holds when an error-level rule of the current rules fires on it that its
approver did not see on its draft, or when a passage it was drafted from reads differently in
its document's current version, or is gone. Runs go batch by batch (`store/rechecks.py`), so a
run cut short resumes after its last batch.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.guidelines.vector_index import StoredChunk, version_key
from brandbot.rules import RuleSet
from brandbot.rules.alert import Level
from brandbot.rules.context import DraftContext
from brandbot.store.db import Database
from brandbot.store.models import WorkItem
from brandbot.store.rechecks import ApprovedRecord, FindingKind, Found, Recheck, RecheckStore
from brandbot.workers import Handler, LostOwnership

BATCH = 100
"""Texts per transaction: a killed run loses at most this much work, and checks no recorded text again."""
SAME_PASSAGE = 0.5
"""Similarity (difflib ratio) above which a passage of the new version, in another section, is
taken for the cited one rewritten rather than a different passage."""

Progress = Callable[[int, int], None]
"""Called with (texts checked so far, texts in the run)."""


@dataclass
class Timing:
    """Where a run's time went: the benchmark reports the rules' share."""

    rules_s: float = 0.0
    passages_s: float = 0.0


class Passages:
    """The current version of each cited document and its passages, read once per run."""

    def __init__(self, knowledge_base: KnowledgeBase) -> None:
        self._kb = knowledge_base
        self._versions = knowledge_base.registry.snapshot()[1]
        self._chunks: dict[str, list[StoredChunk]] = {}

    def live_version(self, doc_id: str) -> str | None:
        return self._versions.get(doc_id)

    def chunks(self, doc_id: str, version: str) -> list[StoredChunk]:
        key = version_key(doc_id, version)
        if key not in self._chunks:
            self._chunks[key] = self._kb.index.chunks([key])
        return self._chunks[key]

    def old_text(self, source: dict[str, Any]) -> str | None:
        """The cited wording: stored with the citation, else read from Chroma while the old
        version's chunks are still there (drafts recorded before citations kept their text)."""
        if source.get("text"):
            return str(source["text"])
        stored = [c for c in self.chunks(source["doc_id"], source["version"]) if c.id == source.get("chunk_id")]
        return stored[0].text if stored else None


@dataclass
class Checker:
    """Checks one approved text against the current rules (when they changed) and its cited
    passages of the changed documents (`documents` None: every document)."""

    rules: RuleSet | None
    passages: Passages | None
    documents: set[str] | None
    timing: Timing = field(default_factory=Timing)

    def check(self, text: ApprovedRecord) -> list[Found]:
        started = time.perf_counter()
        found = self._rules(text) if self.rules is not None else []
        ruled = time.perf_counter()
        found += self._passages(text) if self.passages is not None else []
        self.timing.rules_s += ruled - started
        self.timing.passages_s += time.perf_counter() - ruled
        return found

    def _rules(self, text: ApprovedRecord) -> list[Found]:
        assert self.rules is not None
        seen = {(alert.get("check"), alert.get("match")) for alert in text.alerts}
        report = self.rules.run(text.text, DraftContext(format=text.format, promotional=text.promotional))
        return [
            Found(
                text.request_id,
                FindingKind.rule,
                {"check": a.check, "message": a.message, "match": a.match, "link": a.link, "line": a.line},
            )
            for a in report.alerts
            if a.level is Level.error and (a.check, a.match) not in seen
        ]

    def _passages(self, text: ApprovedRecord) -> list[Found]:
        assert self.passages is not None
        found: list[Found] = []
        for source in text.sources:
            doc_id = source.get("doc_id")
            if not doc_id or (self.documents is not None and doc_id not in self.documents):
                continue
            change = self._passage_change(source)
            if change is not None:
                found.append(Found(text.request_id, *change))
        return found

    def _passage_change(self, source: dict[str, Any]) -> tuple[FindingKind, dict[str, Any]] | None:
        assert self.passages is not None
        live = self.passages.live_version(source["doc_id"])
        if live == source.get("version"):
            return None
        old = self.passages.old_text(source)
        detail = {
            "doc_id": source["doc_id"],
            "source": source.get("source") or source["doc_id"],
            "section": source.get("section") or "",
            "old_version": source.get("version"),
            "new_version": live,
            "old_text": old,
            "new_text": None,
        }
        if live is None:
            return FindingKind.passage_removed, detail
        new = _counterpart(old, source.get("section") or "", self.passages.chunks(source["doc_id"], live))
        if new is None:
            return FindingKind.passage_removed, detail
        if old is not None and _same(old, new.text):
            return None
        return FindingKind.passage_changed, {**detail, "new_text": new.text, "section": new.section}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _counterpart(old: str | None, section: str, chunks: list[StoredChunk]) -> StoredChunk | None:
    """The new version's passage that the cited one became: the same wording anywhere, else
    the closest passage of the same section, else a close enough passage elsewhere."""
    if old is not None:
        for chunk in chunks:
            if _same(old, chunk.text):
                return chunk
    same_section = [chunk for chunk in chunks if chunk.section == section]
    if old is None:
        return same_section[0] if same_section else None

    def ratio(chunk: StoredChunk) -> float:
        return difflib.SequenceMatcher(None, old, chunk.text).ratio()

    if same_section:
        return max(same_section, key=ratio)
    best = max(chunks, key=ratio, default=None)
    return best if best is not None and ratio(best) >= SAME_PASSAGE else None


class Rechecker:
    """Runs re-checks: a work row's (`handler`) or the CLI's (`run`)."""

    def __init__(
        self, settings: Settings, db: Database, rules: Callable[[], RuleSet], knowledge_base: KnowledgeBase
    ) -> None:
        self.settings = settings
        self.store = RecheckStore(db)
        self._rules = rules
        self._kb = knowledge_base

    def start(self, key: str, cause: str, scope: dict[str, Any], days: int | None = None) -> Recheck:
        return self.store.start(key, cause, scope, days or self.settings.recheck_days)

    def run(
        self,
        recheck: Recheck,
        *,
        progress: Progress | None = None,
        still_held: Callable[[], bool] = lambda: True,
        batch: int = BATCH,
    ) -> Checker:
        """Checks the run's texts from its cursor on, then finishes it (and queues its digest
        when an approval channel is set). Raises LostOwnership when another worker took over."""
        scope = recheck.scope
        documents = scope.get("documents")
        checker = Checker(
            rules=self._rules() if scope.get("rules") else None,
            passages=Passages(self._kb) if documents is None or documents else None,
            documents=None if documents is None else set(documents),
        )
        while texts := self.store.batch(recheck, batch):
            if not still_held():
                raise LostOwnership
            found = [finding for text in texts for finding in checker.check(text)]
            if not self.store.record_batch(recheck, texts, found):
                raise LostOwnership
            if progress:
                progress(recheck.checked, recheck.total)
        self.store.finish(recheck, notify_channel=bool(self.settings.approval_channel))
        return checker

    def handler(self, still_held: Callable[[WorkItem], bool]) -> Handler[WorkItem]:
        """For the work pool: the run named by the row's key, resumed where it stopped."""

        def run(row: WorkItem) -> None:
            recheck = self.start(row.key, row.payload["cause"], row.payload["scope"])
            self.run(recheck, still_held=lambda: still_held(row))

        return Handler(run)


REVISION_TEXT_CHARS = 2500
"""Of the approved text quoted in a revision request: room is left for what changed, within
`max_request_chars`' default."""


def revision_request(approved: str, fmt: str | None, changes: list[str]) -> str:
    """A new request from an approved text that no longer holds: the text, and what changed."""
    kind = (fmt or "text").replace("_", " ")
    quoted = approved if len(approved) <= REVISION_TEXT_CHARS else approved[:REVISION_TEXT_CHARS] + "…"
    what = "\n".join(f"- {change}" for change in changes[:5])
    return (
        f"Revise this approved {kind} so that it follows the current brand guidelines and rules.\n"
        f"What changed:\n{what}\n\nApproved text:\n{quoted}"
    )


def change_summary(kind: str, detail: dict[str, Any]) -> str:
    """One line per finding, plain text (the drafter reads it)."""
    if kind == FindingKind.rule:
        return f"rule {detail['check']} now flags '{detail['match']}': {detail['message']}"
    where = " > ".join(part for part in (detail["source"], detail["section"]) if part)
    if kind == FindingKind.passage_removed:
        return f"the guideline passage {where} was removed"
    return f"the guideline passage {where} now reads: {' '.join(str(detail.get('new_text') or '').split())[:300]}"
