"""Rule proposals and the admin's decision on each: adopt (inside the transaction that publishes
the rule, so neither happens without the other) or dismiss (for good). Decisions are audited.
Proposals still waiting are rewritten by each refresh; decided ones are never touched again."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from brandbot.store import audit
from brandbot.store.db import Database
from brandbot.store.models import RuleProposal, utcnow


class ProposalState(enum.StrEnum):
    proposed = "proposed"
    adopted = "adopted"
    dismissed = "dismissed"


@dataclass(frozen=True)
class Found:
    """A proposal as the latest refresh worked it out."""

    key: str
    kind: str
    phrase: str
    replacement: str
    evidence: list[dict[str, Any]]
    backtest: dict[str, Any]


def sync(db: Database, found: list[Found]) -> None:
    """Waiting proposals become exactly `found`: new ones added, known ones brought up to date,
    ones no longer found (now covered by a rule, say) dropped. Decided keys are left alone."""
    now = utcnow()
    with db.session() as session:
        rows = {row.key: row for row in session.scalars(select(RuleProposal))}
        for item in found:
            row = rows.get(item.key)
            if row is None:
                session.add(
                    RuleProposal(
                        key=item.key,
                        kind=item.kind,
                        phrase=item.phrase,
                        replacement=item.replacement,
                        evidence=item.evidence,
                        backtest=item.backtest,
                        state=ProposalState.proposed,
                        proposed_at=now,
                        updated_at=now,
                    )
                )
            elif row.state == ProposalState.proposed:
                session.execute(
                    update(RuleProposal)
                    .where(RuleProposal.id == row.id, RuleProposal.state == ProposalState.proposed)
                    .values(
                        replacement=item.replacement, evidence=item.evidence, backtest=item.backtest, updated_at=now
                    )
                )
        gone = {key for key, row in rows.items() if row.state == ProposalState.proposed} - {item.key for item in found}
        if gone:
            session.execute(
                delete(RuleProposal).where(RuleProposal.key.in_(gone), RuleProposal.state == ProposalState.proposed)
            )


def decided_keys(db: Database) -> set[str]:
    """Changes an admin adopted or dismissed: never proposed again."""
    with db.read() as session:
        return set(session.scalars(select(RuleProposal.key).where(RuleProposal.state != ProposalState.proposed)))


def waiting(db: Database) -> list[RuleProposal]:
    """Oldest first; `rules.proposals.waiting` ranks them by how well reviewers support each."""
    with db.read() as session:
        query = select(RuleProposal).where(RuleProposal.state == ProposalState.proposed).order_by(RuleProposal.id)
        return list(session.scalars(query))


def get(db: Database, proposal_id: int) -> RuleProposal | None:
    with db.read() as session:
        return session.get(RuleProposal, proposal_id)


def adopt(session: Session, proposal_id: int, actor: str, rule_id: str, rules_version: int) -> None:
    """In the transaction that publishes the rule: raises LookupError (rolling the publication
    back) unless the proposal is still waiting, so two admins adopting at once add one rule."""
    _decide(session, proposal_id, ProposalState.adopted, actor, rule_id=rule_id, rules_version=rules_version)


def dismiss(db: Database, proposal_id: int, actor: str) -> None:
    """Raises LookupError unless the proposal is waiting."""
    with db.session() as session:
        _decide(session, proposal_id, ProposalState.dismissed, actor)


def _decide(session: Session, proposal_id: int, state: ProposalState, actor: str, **fields: Any) -> None:
    claimed = session.execute(
        update(RuleProposal)
        .where(RuleProposal.id == proposal_id, RuleProposal.state == ProposalState.proposed)
        .values(state=state, decided_by=actor, decided_at=utcnow(), **fields)
        .returning(RuleProposal.key)
    ).first()
    if claimed is None:
        raise LookupError(why_not_waiting(session.get(RuleProposal, proposal_id), proposal_id))
    audit.record(session, actor, f"rules.proposal_{state}", proposal=proposal_id, change=claimed.key, **fields)


def why_not_waiting(row: RuleProposal | None, proposal_id: int) -> str:
    if row is None:
        return f"no rule proposal {proposal_id} (see `brandbot rules proposals`)"
    return f"rule proposal {proposal_id} was already {row.state} by {row.decided_by}"
