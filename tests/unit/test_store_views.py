"""The draft view's JSON is what `--output json` prints: scripts read it, so its shape is pinned here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import cast

from brandbot.store.models import Decision, Draft, Request
from brandbot.store.requests import RequestStore
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.store.views import Compliance, draft_view

AT = datetime(2026, 11, 26, 14, 2, tzinfo=UTC)
KEYS = [
    "request_id",
    "draft_id",
    "status",
    "request_status",
    "revision",
    "latest_revision",
    "requester",
    "request",
    "brief",
    "text",
    "sources",
    "checks",
    "alerts",
    "compliance",
    "fixes",
    "auto_revisions",
    "model",
    "created_at",
    "expires_at",
    "decision",
    "final_text",
    "error",
]


class Store:
    """Only what `draft_view` asks of a RequestStore, without a database."""

    def __init__(self, drafts: list[Draft], decisions: list[Decision]) -> None:
        self.drafts, self.decisions = drafts, decisions

    def decision_for(self, draft_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.draft_id == draft_id), None)

    def latest_draft(self, request_id: str) -> Draft | None:
        return max((d for d in self.drafts if d.request_id == request_id), key=lambda d: d.revision, default=None)


def request(status: str = RequestStatus.awaiting_review, final_text: str | None = None) -> Request:
    return Request(
        id="req_1", requester="alice", text="A tweet", status=status, brief=None, final_text=final_text, created_at=AT
    )


def draft(revision: int, status: str = DraftStatus.pending) -> Draft:
    return Draft(
        id=f"d_{revision}",
        request_id="req_1",
        revision=revision,
        text=f"Draft {revision}",
        sources=[],
        checks=[],
        alerts=[{"level": "error"}, {"level": "warning"}, {"level": "warning"}],
        fixes=[],
        auto_revisions=1,
        model="m",
        status=status,
        created_at=AT,
        expires_at=AT + timedelta(days=3),
    )


def test_json_keeps_its_keys_order_and_plain_values() -> None:
    first, second = draft(1, DraftStatus.approved), draft(2)
    decision = Decision(draft_id="d_1", actor="bob", action="edit", note=None, decided_at=AT)
    store = cast(RequestStore, Store([first, second], [decision]))
    view = draft_view(store, request(RequestStatus.approved, final_text="Final"), first)
    shown = view.to_dict()
    assert list(shown) == KEYS
    assert view.compliance == Compliance(errors=1, warnings=2, suggestions=0)
    assert shown["compliance"] == {"errors": 1, "warnings": 2, "suggestions": 0}
    assert shown["decision"] == {"action": "edit", "actor": "bob", "at": "2026-11-26T14:02:00+00:00", "note": None}
    assert (shown["status"], shown["request_status"], shown["latest_revision"]) == ("approved", "approved", 2)
    assert shown["final_text"] == "Final"
    assert all(type(shown[key]) is str for key in ("status", "request_status")), "enums leave as plain strings"
    assert json.loads(json.dumps(shown)) == shown


def test_a_request_without_a_draft_shows_the_request_status() -> None:
    shown = draft_view(cast(RequestStore, Store([], [])), request(RequestStatus.failed), None).to_dict()
    assert shown["status"] == "failed" and shown["draft_id"] is None and shown["decision"] is None
    assert shown["created_at"] == "2026-11-26T14:02:00+00:00" and shown["sources"] == []
    assert shown["compliance"] == {"errors": 0, "warnings": 0, "suggestions": 0}
