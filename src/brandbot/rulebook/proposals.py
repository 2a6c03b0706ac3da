"""Rules learned from reviewers, from mining to the admin's decision.

`refresh` mines the review history (`learning.py`), leaves out what an installed existence or
substitution rule already flags and what an admin adopted or dismissed before, back-tests the
rest (`backtest.py`) and stores them as the proposals waiting. `adopt` writes the proposal as a
Vale rule file into the brand's style through the same atomic install as `brandbot rules add`;
nothing is adopted but by someone's explicit decision.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from brandbot.config import Settings
from brandbot.rulebook import library
from brandbot.rulebook.backtest import BackTest, back_test
from brandbot.rulebook.learned_rule import rule_name, rule_yaml
from brandbot.rulebook.learning import Candidate, Change, Evidence, Kind, Via, mine, ranked, reviewers
from brandbot.rules.ruleset import RuleSet
from brandbot.store import locks, review_history
from brandbot.store import proposals as store
from brandbot.store.db import Database
from brandbot.store.models import RuleProposal
from brandbot.store.rule_versions import RuleVersion

REFRESH_LOCK_TIMEOUT_S = 120.0
"""Refreshes take turns: two at once would both add the same new proposals."""
COVERING_TYPES = frozenset({"existence", "substitution"})
"""Installed rules of these types that flag a phrase already say what a learned rule would."""
VOCABULARY_STYLE = "Vale"
"""The style vocabularies' checks (Vale.Terms, Vale.Avoid) belong to: not a folder to add to."""


@dataclass(frozen=True)
class Proposal:
    id: int
    change: Change
    evidence: tuple[Evidence, ...]
    backtest: BackTest
    state: store.ProposalState
    decided_by: str | None
    decided_at: datetime | None
    rule_id: str | None

    @property
    def reviewers(self) -> int:
        """The distinct reviewers whose decisions made the change: what makes it the brand's."""
        return reviewers(self.evidence)

    @property
    def edits(self) -> int:
        return sum(1 for item in self.evidence if item.via is Via.edit)

    @property
    def change_requests(self) -> int:
        return sum(1 for item in self.evidence if item.via is Via.change_request)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.change.kind.value,
            "phrase": self.change.phrase,
            "replacement": self.change.replacement or None,
            "state": self.state.value,
            "reviewers": self.reviewers,
            "edits": self.edits,
            "change_requests": self.change_requests,
            "evidence": [item.to_dict() for item in self.evidence],
            "backtest": self.backtest.to_dict(),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "rule": self.rule_id,
        }


def refresh(settings: Settings, db: Database, rules: RuleSet) -> list[Proposal]:
    """Mines the whole history again (reviewers' later decisions may add or settle evidence) and
    returns the proposals waiting for an admin, best supported first."""
    with locks.exclusive(db, "rule_proposals", REFRESH_LOCK_TIMEOUT_S):
        decided = store.decided_keys(db)
        found = [
            candidate
            for candidate in mine(
                review_history.edits(db), review_history.change_requests(db), settings.rule_proposal_min_evidence
            )
            if candidate.change.key not in decided and not covered(rules, candidate.change)
        ]
        time_limit = settings.rule_time_limit_ms / 1000
        # With nothing to test, the past texts need not even be read.
        tests = (
            back_test(found, review_history.approved_texts(db), review_history.drafts(db), time_limit) if found else {}
        )
        store.sync(db, [_found(candidate, tests[candidate.change.key]) for candidate in found])
    return waiting(db)


def waiting(db: Database) -> list[Proposal]:
    """As the last refresh left them, without mining again (after a click, say), best supported first."""
    proposals = [_proposal(row) for row in store.waiting(db)]
    return sorted(proposals, key=lambda proposal: ranked(proposal.change, proposal.evidence))


def covered(rules: RuleSet, change: Change) -> bool:
    """An installed existence or substitution rule already flags the phrase."""
    types = {info.id: info.type for info in rules.describe()}
    return any(types.get(alert.check) in COVERING_TYPES for alert in rules.run(change.phrase).alerts)


def adopt(settings: Settings, db: Database, proposal_id: int, actor: str) -> Proposal:
    """Adds the rule to the brand's style and publishes the new rules version, marking the
    proposal adopted in the same transaction. Raises LookupError for a proposal that isn't
    waiting, ValueError when there is no one style to add to, RuleLoadError when the rules
    would not load with it (nothing changes then)."""
    row = store.get(db, proposal_id)
    if row is None or row.state != store.ProposalState.proposed:
        raise LookupError(store.why_not_waiting(row, proposal_id))
    proposal = _proposal(row)
    current = library.load_active(settings, db)
    style = brand_style(settings, current)
    taken = {info.id.split(".", 1)[1] for info in current.describe() if info.id.startswith(f"{style}.")}
    name = rule_name(proposal.change, taken)

    def mark_adopted(session: Session, version: RuleVersion) -> None:
        store.adopt(session, proposal_id, actor, f"{style}.{name}", version.id)

    with tempfile.TemporaryDirectory(prefix="brandbot-adopt-") as folder:
        path = Path(folder) / f"{name}.yml"
        path.write_text(rule_yaml(proposal.change, len(proposal.evidence)), encoding="utf-8")
        library.add(settings, db, path, style, actor=actor, on_publish=mark_adopted)
    adopted = store.get(db, proposal_id)
    assert adopted is not None, "adopted in the transaction that just committed"
    return _proposal(adopted)


def dismiss(db: Database, proposal_id: int, actor: str) -> Proposal:
    """For good: the same change is never proposed again. Raises LookupError unless waiting."""
    store.dismiss(db, proposal_id, actor)
    dismissed = store.get(db, proposal_id)
    assert dismissed is not None, "dismissed in the transaction that just committed"
    return _proposal(dismissed)


def brand_style(settings: Settings, rules: RuleSet) -> str:
    """The style a learned rule joins: the one named after the brand, else the only one
    installed; with no rules yet, a new style named after the brand."""
    styles = sorted({check.definition.id.split(".")[0] for check in rules.checks} - {VOCABULARY_STYLE})
    if settings.brand_name in styles or not styles:
        return settings.brand_name
    if len(styles) == 1:
        return styles[0]
    raise ValueError(
        f"several styles are installed ({', '.join(styles)}) and none is named {settings.brand_name}: "
        "set BRANDBOT_BRAND_NAME to the one learned rules should join"
    )


def _found(candidate: Candidate, tested: BackTest) -> store.Found:
    change = candidate.change
    return store.Found(
        change.key,
        change.kind.value,
        change.phrase,
        change.replacement,
        [item.to_dict() for item in candidate.evidence],
        tested.to_dict(),
    )


def _proposal(row: RuleProposal) -> Proposal:
    return Proposal(
        row.id,
        Change(Kind(row.kind), row.phrase, row.replacement),
        tuple(Evidence.from_dict(item) for item in row.evidence),
        BackTest.from_dict(row.backtest),
        store.ProposalState(row.state),
        row.decided_by,
        row.decided_at,
        row.rule_id,
    )
