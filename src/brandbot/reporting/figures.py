"""The report's figures, worked out from a period's history by plain functions.

Every figure is about the requests created in the period (their drafts and decisions count
whenever they came), overall and per format and per channel:

- requests: all of them, whatever became of them (refused, failed and open ones included).
- outcome: the decision on a request's latest revision when it closes the request: approved
  (approve, or edit: approved as edited), rejected or expired; else the request is open.
- approval rate: approved / (approved + rejected). Expired requests were never decided by a
  person, so they are counted apart, not as refusals. None when nothing was decided.
- follow-ups: the requesters' own replies asking for changes to their draft while it waited for
  review. They revise a draft like a change request but are no approver's decision: counted
  apart, and in no other figure.
- change rounds per request: approvers' "changes" decisions / the requests an approver decided
  on at least once (reviewed). Requests nobody looked at would only dilute it. None when none
  was reviewed.
- time to decision: from a revision's creation to the decision on it, for every decision an
  approver made (each change round counts once; expiry is the review window, not a person, so it
  is left out); the median, and the 90th percentile by nearest rank (the smallest time that at
  least 90% of the decisions took no longer than). None without decisions.
- rules that fire most: per check, the alerts left on each request's latest revision (what the
  approver saw) and the automatic fixes applied to it, most first.
- compliance before automatic fixes: the share of all revisions that needed no automatic fix and
  no automatic revision and have no error-level alert: the model's own text was compliant.
  After: the share of revisions with no error-level alert left. None without revisions.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from brandbot.formats import FORMATS
from brandbot.reporting.history import RequestHistory, Revision
from brandbot.rules import Level
from brandbot.store.status import Action

UNCLASSIFIED = "unclassified"
"""The format and channel of requests stopped before their brief was made."""
MOST_REVISED = 5
PERSON_ACTIONS = frozenset({Action.approve, Action.edit, Action.changes, Action.reject})
"""Decisions a person made: the ones time to decision and reviews count, unless a follow-up."""


class Outcome(StrEnum):
    approved = "approved"
    rejected = "rejected"
    expired = "expired"
    open = "open"


CLOSING = {
    Action.approve: Outcome.approved,
    Action.edit: Outcome.approved,
    Action.reject: Outcome.rejected,
    Action.expire: Outcome.expired,
}


@dataclass(frozen=True)
class RuleCount:
    check: str
    alerts: int
    """Alerts of this check left on latest revisions."""
    fixes: int
    """Automatic fixes of this check applied to latest revisions."""

    @property
    def total(self) -> int:
        return self.alerts + self.fixes


@dataclass(frozen=True)
class Figures:
    """One group's figures; the module docstring defines each. Shares are fractions (0 to 1),
    times are seconds, and a figure without anything to count is None."""

    requests: int
    approved: int
    edited: int
    """Of the approved: approved as an approver edited them."""
    rejected: int
    expired: int
    approval_rate: float | None
    reviewed: int
    change_rounds: int
    """Changes asked for by approvers."""
    follow_ups: int
    """Changes asked for by requesters on their own drafts."""
    change_rounds_per_request: float | None
    decisions: int
    time_to_decision_median_s: float | None
    time_to_decision_p90_s: float | None
    drafts: int
    compliant_before_fixes: float | None
    compliant_after_fixes: float | None
    rules: tuple[RuleCount, ...]

    @property
    def open(self) -> int:
        return self.requests - self.approved - self.rejected - self.expired


@dataclass(frozen=True)
class RevisedRequest:
    """A request that went back and forth: where a brief or the guidelines may be unclear."""

    request_id: str
    text: str
    format: str
    change_rounds: int
    follow_ups: int
    outcome: Outcome


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    overall: Figures
    by_format: dict[str, Figures]
    by_channel: dict[str, Figures]
    """Groups with most requests first."""
    most_revised: tuple[RevisedRequest, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `brandbot report --output json`."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "overall": asdict(self.overall),
            "by_format": {name: asdict(figures) for name, figures in self.by_format.items()},
            "by_channel": {name: asdict(figures) for name, figures in self.by_channel.items()},
            "most_revised": [asdict(request) for request in self.most_revised],
        }


def report(history: Sequence[RequestHistory], since: datetime, until: datetime) -> Report:
    revised = sorted(
        (request for request in history if change_rounds(request) or follow_ups(request)),
        key=lambda request: (-change_rounds(request), -follow_ups(request), request.created_at),
    )
    return Report(
        since=since,
        until=until,
        overall=figures(history),
        by_format=_grouped(history, format_of),
        by_channel=_grouped(history, channel_of),
        most_revised=tuple(_revised(request) for request in revised[:MOST_REVISED]),
    )


def figures(history: Sequence[RequestHistory]) -> Figures:
    outcomes = Counter(outcome(request) for request in history)
    decided = outcomes[Outcome.approved] + outcomes[Outcome.rejected]
    reviewed = sum(1 for request in history if any(_by_approver(draft) for draft in request.drafts))
    rounds = sum(change_rounds(request) for request in history)
    times = sorted(
        (draft.decision.decided_at - draft.created_at).total_seconds()
        for request in history
        for draft in request.drafts
        if draft.decision is not None and _by_approver(draft)
    )
    revisions = [draft for request in history for draft in request.drafts]
    return Figures(
        requests=len(history),
        approved=outcomes[Outcome.approved],
        edited=sum(1 for request in history if _final_action(request) == Action.edit),
        rejected=outcomes[Outcome.rejected],
        expired=outcomes[Outcome.expired],
        approval_rate=_ratio(outcomes[Outcome.approved], decided),
        reviewed=reviewed,
        change_rounds=rounds,
        follow_ups=sum(follow_ups(request) for request in history),
        change_rounds_per_request=_ratio(rounds, reviewed),
        decisions=len(times),
        time_to_decision_median_s=statistics.median(times) if times else None,
        time_to_decision_p90_s=nearest_rank(times, 0.9),
        drafts=len(revisions),
        compliant_before_fixes=_ratio(sum(1 for draft in revisions if compliant_as_drafted(draft)), len(revisions)),
        compliant_after_fixes=_ratio(sum(1 for draft in revisions if not _errors(draft)), len(revisions)),
        rules=rule_counts(request.drafts[-1] for request in history if request.drafts),
    )


def outcome(request: RequestHistory) -> Outcome:
    action = _final_action(request)
    return CLOSING.get(action, Outcome.open) if action is not None else Outcome.open


def change_rounds(request: RequestHistory) -> int:
    """The changes approvers asked for."""
    return sum(1 for draft in request.drafts if _asked_changes(draft) and not _by_requester(draft))


def follow_ups(request: RequestHistory) -> int:
    """The changes the requester asked for on their own draft."""
    return sum(1 for draft in request.drafts if _asked_changes(draft) and _by_requester(draft))


def compliant_as_drafted(draft: Revision) -> bool:
    return not draft.fixes and draft.auto_revisions == 0 and not _errors(draft)


def rule_counts(latest: Iterable[Revision]) -> tuple[RuleCount, ...]:
    alerts: Counter[str] = Counter()
    fixes: Counter[str] = Counter()
    for draft in latest:
        alerts.update(hit.check for hit in draft.alerts)
        fixes.update(draft.fixes)
    counts = [RuleCount(check, alerts[check], fixes[check]) for check in alerts.keys() | fixes.keys()]
    return tuple(sorted(counts, key=lambda count: (-count.total, count.check)))


def nearest_rank(ordered: Sequence[float], share: float) -> float | None:
    """The smallest value that at least `share` of the (sorted) values do not exceed."""
    return ordered[math.ceil(share * len(ordered)) - 1] if ordered else None


def format_of(request: RequestHistory) -> str:
    return request.format or UNCLASSIFIED


def channel_of(request: RequestHistory) -> str:
    known = FORMATS.get(request.format or "")
    return known.channel if known else UNCLASSIFIED


def _revised(request: RequestHistory) -> RevisedRequest:
    return RevisedRequest(
        request.request_id,
        request.text,
        format_of(request),
        change_rounds(request),
        follow_ups(request),
        outcome(request),
    )


def _grouped(history: Sequence[RequestHistory], key: Callable[[RequestHistory], str]) -> dict[str, Figures]:
    groups: dict[str, list[RequestHistory]] = {}
    for request in history:
        groups.setdefault(key(request), []).append(request)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return {name: figures(requests) for name, requests in ordered}


def _final_action(request: RequestHistory) -> Action | None:
    latest = request.drafts[-1].decision if request.drafts else None
    return latest.action if latest else None


def _by_approver(draft: Revision) -> bool:
    return draft.decision is not None and draft.decision.action in PERSON_ACTIONS and not _by_requester(draft)


def _asked_changes(draft: Revision) -> bool:
    return draft.decision is not None and draft.decision.action == Action.changes


def _by_requester(draft: Revision) -> bool:
    return draft.decision is not None and draft.decision.by_requester


def _errors(draft: Revision) -> bool:
    return any(hit.level == Level.error for hit in draft.alerts)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
