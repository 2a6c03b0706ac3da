"""The state of a draft as people and scripts see it: one shape for the CLI, JSON and Slack."""

from __future__ import annotations

from typing import Any

from brandbot.store.models import Draft, Request
from brandbot.store.requests import RequestStore


def draft_status(requests: RequestStore, request: Request, draft: Draft | None) -> dict[str, Any]:
    """`status` is the draft's own state when there is a draft, else the request's."""
    decision = requests.decision_for(draft.id) if draft else None
    latest = requests.latest_draft(request.id)
    return {
        "request_id": request.id,
        "draft_id": draft.id if draft else None,
        "status": (draft.status if draft else request.status),
        "request_status": request.status,
        "revision": draft.revision if draft else None,
        "latest_revision": latest.revision if latest else None,
        "requester": request.requester,
        "request": request.text,
        "brief": request.brief,
        "text": draft.text if draft else None,
        "sources": draft.sources if draft else [],
        "checks": draft.checks if draft else [],
        "alerts": draft.alerts if draft else [],
        "compliance": compliance(draft.alerts if draft else []),
        "fixes": draft.fixes if draft else [],
        "auto_revisions": draft.auto_revisions if draft else 0,
        "model": draft.model if draft else None,
        "created_at": (draft.created_at if draft else request.created_at).isoformat(),
        "expires_at": draft.expires_at.isoformat() if draft else None,
        "decision": None
        if decision is None
        else {
            "action": decision.action,
            "actor": decision.actor,
            "at": decision.decided_at.isoformat(),
            "note": decision.note,
        },
        "final_text": request.final_text if draft and draft.status == "approved" else None,
        "error": request.error,
    }


def compliance(alerts: list[dict[str, Any]]) -> dict[str, int]:
    """Counts by level: what an approver reads first."""
    levels = [alert["level"] for alert in alerts]
    return {
        "errors": levels.count("error"),
        "warnings": levels.count("warning"),
        "suggestions": levels.count("suggestion"),
    }
