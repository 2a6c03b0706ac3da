"""The state of a draft as people and scripts see it: one typed view for the CLI, JSON and Slack.

Readers use attributes, so a renamed field is a type error rather than a KeyError at run time;
`to_dict` is the JSON shape that scripts and tests read, and it does not change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from brandbot.store.models import Decision, Draft, Request
from brandbot.store.requests import DraftState, RequestStore
from brandbot.store.status import Action, DraftStatus, RequestStatus


@dataclass(frozen=True)
class Compliance:
    """Brand-rule hits counted by level: what an approver reads first."""

    errors: int
    warnings: int
    suggestions: int


@dataclass(frozen=True)
class DecisionView:
    action: Action
    actor: str
    at: str
    """ISO 8601, as in the JSON."""
    note: str | None


@dataclass(frozen=True)
class DraftView:
    """A request and, when there is one, its draft revision; draft fields are empty without one."""

    request_id: str
    draft_id: str | None
    status: DraftStatus | RequestStatus
    """The draft's own state when there is a draft, else the request's."""
    request_status: RequestStatus
    revision: int | None
    latest_revision: int | None
    requester: str
    request: str
    brief: dict[str, Any] | None
    text: str | None
    sources: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    compliance: Compliance
    fixes: list[dict[str, Any]]
    auto_revisions: int
    model: str | None
    created_at: str
    """ISO 8601: the draft's when there is one, else the request's."""
    expires_at: str | None
    decision: DecisionView | None
    final_text: str | None
    """Only once this draft is approved."""
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `--output json`: plain strings for the enums, keys in this order."""
        return {
            "request_id": self.request_id,
            "draft_id": self.draft_id,
            "status": self.status.value,
            "request_status": self.request_status.value,
            "revision": self.revision,
            "latest_revision": self.latest_revision,
            "requester": self.requester,
            "request": self.request,
            "brief": self.brief,
            "text": self.text,
            "sources": self.sources,
            "checks": self.checks,
            "alerts": self.alerts,
            "compliance": dataclasses.asdict(self.compliance),
            "fixes": self.fixes,
            "auto_revisions": self.auto_revisions,
            "model": self.model,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "decision": None
            if self.decision is None
            else {
                "action": self.decision.action.value,
                "actor": self.decision.actor,
                "at": self.decision.at,
                "note": self.decision.note,
            },
            "final_text": self.final_text,
            "error": self.error,
        }


def draft_view(requests: RequestStore, request: Request, draft: Draft | None) -> DraftView:
    """What `draft` (or, without one, `request`) looks like now, decision and latest revision included."""
    decision = requests.decision_for(draft.id) if draft else None
    return view_of(request, draft, decision, requests.latest_draft(request.id))


def state_view(state: DraftState) -> DraftView:
    """The same, from a state read in one go (`RequestStore.draft_state`)."""
    return view_of(state.request, state.draft, state.decision, state.latest)


def view_of(request: Request, draft: Draft | None, decision: Decision | None, latest: Draft | None) -> DraftView:
    return DraftView(
        request_id=request.id,
        draft_id=draft.id if draft else None,
        status=DraftStatus(draft.status) if draft else RequestStatus(request.status),
        request_status=RequestStatus(request.status),
        revision=draft.revision if draft else None,
        latest_revision=latest.revision if latest else None,
        requester=request.requester,
        request=request.text,
        brief=request.brief,
        text=draft.text if draft else None,
        sources=draft.sources if draft else [],
        checks=draft.checks if draft else [],
        alerts=draft.alerts if draft else [],
        compliance=compliance(draft.alerts if draft else []),
        fixes=draft.fixes if draft else [],
        auto_revisions=draft.auto_revisions if draft else 0,
        model=draft.model if draft else None,
        created_at=(draft.created_at if draft else request.created_at).isoformat(),
        expires_at=draft.expires_at.isoformat() if draft else None,
        decision=None
        if decision is None
        else DecisionView(
            action=Action(decision.action),
            actor=decision.actor,
            at=decision.decided_at.isoformat(),
            note=decision.note,
        ),
        final_text=request.final_text if draft and draft.status == DraftStatus.approved else None,
        error=request.error,
    )


def compliance(alerts: list[dict[str, Any]]) -> Compliance:
    levels = [alert["level"] for alert in alerts]
    return Compliance(
        errors=levels.count("error"),
        warnings=levels.count("warning"),
        suggestions=levels.count("suggestion"),
    )
