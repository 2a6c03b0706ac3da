"""The Receipt button in Slack: the builders alone (the decided card's button, the modal, inert
whatever the request, guideline and rules say), then the listener through Bolt's real request
handling with signed requests: who sees the receipt in a modal, and who is told no."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from slack_bolt import App

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks import approval
from brandbot.slack.blocks.limits import SECTION_TEXT
from brandbot.slack.blocks.receipts import receipt_modal
from brandbot.store.receipts import (
    DecisionPart,
    DraftPart,
    Found,
    GenerationPart,
    Passage,
    Receipt,
    RequestPart,
    RulesPart,
    Sealed,
)
from brandbot.store.status import Action, DraftStatus
from brandbot.store.views import DecisionView
from tests.support.bolt_app import ADMIN, APPROVER, bolt_app, dispatch
from tests.support.deciding import decide
from tests.support.slack_markup import INJECTION, injected, live_markup
from tests.support.slack_standin import TEAM, StandIn
from tests.unit.test_slack_blocks import view

pytestmark = pytest.mark.both_configurations

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."
REQUESTER, STRANGER = "UALICE01", "UEVE0001"
AT = "2026-11-30T10:00:00.000000+00:00"


def hostile_receipt() -> Receipt:
    alert = {"check": INJECTION, "message": INJECTION, "level": "error", "match": INJECTION, "link": INJECTION}
    return Receipt(
        request=RequestPart("req_1", REQUESTER, INJECTION, "slack", AT, {"format": "x_post"}),
        draft=DraftPart("d_1", 2, AT, "a" * 64),
        passages=[Passage("voice.md", INJECTION, INJECTION, "b" * 64, 3, "voice.md#0")],
        rules=RulesPart(
            4,
            "c" * 64,
            [{"name": INJECTION, "passed": False, "level": "warning", "message": INJECTION}],
            [alert],
            [{"check": "Tidewell.WordsToAvoid", "from": INJECTION, "to": INJECTION}],
            1,
        ),
        generation=GenerationPart(INJECTION, {"temperature": 0.3, "max_tokens": 120}, "d" * 64, [INJECTION]),
        decision=DecisionPart(APPROVER, "edit", AT),
        final_text_sha256="e" * 64,
    )


def all_text(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_the_receipt_modal_shows_everything_and_nothing_in_it_is_live() -> None:
    receipt = hostile_receipt()
    modal = receipt_modal(Found(receipt, Sealed(42, receipt.sha256(), receipt.part_hashes()), "e" * 64))
    assert injected(modal) == []
    assert f"<@{REQUESTER}>" in live_markup(modal) and f"<@{APPROVER}>" in live_markup(modal)
    assert len(modal["title"]["text"]) <= 24 and "submit" not in modal
    assert all(len(block["text"]["text"]) <= SECTION_TEXT for block in modal["blocks"] if block["type"] == "section")
    shown = all_text(modal)
    for value in ("`req_1`", "`d_1`", "revision 2", "p. 3", "version 4", "`cccccccccccc`", "1 errors"):
        assert value in shown, value
    for value in ("temperature 0.3", "max_tokens 120", "d" * 64, "e" * 64, receipt.sha256(), "with edits"):
        assert value in shown, value
    assert "Matches the seal in audit entry 42" in shown


def test_the_modal_says_when_the_records_changed_or_predate_receipts() -> None:
    receipt = hostile_receipt()
    sealed = Sealed(42, receipt.sha256(), receipt.part_hashes())
    edited = replace(receipt, final_text_sha256="f" * 64)
    changed = all_text(receipt_modal(Found(edited, sealed, "f" * 64)))
    assert ":warning: Changed since approval: decision final text changed" in changed
    assert "Approved before receipts existed" in all_text(receipt_modal(Found(receipt, None, None, True)))
    unsealed = all_text(receipt_modal(Found(receipt, None, None)))
    assert ":warning: Not sealed: approved with no sealed receipt in the audit log." in unsealed


def test_only_an_approved_cards_has_a_receipt_button() -> None:
    decided = DecisionView(Action.approve, APPROVER, "2026-11-26T14:02:00+00:00", None)
    card = approval.decided_card(view(status=DraftStatus.approved, decision=decided))
    (actions,) = [block for block in card["blocks"] if block["type"] == "actions"]
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in actions["elements"]] == [
        ("Receipt", approval.RECEIPT, view().request_id)
    ]
    for status, action in ((DraftStatus.rejected, Action.reject), (DraftStatus.changes_requested, Action.changes)):
        closed = approval.decided_card(view(status=status, decision=replace(decided, action=action, note="no")))
        assert not any(block["type"] == "actions" for block in closed["blocks"])


@pytest.fixture
def slack(settings: Settings) -> Iterator[tuple[App, Services, StandIn, str]]:
    """The Bolt app with one request approved and one awaiting review: (app, services, stand-in,
    approved request id)."""
    with bolt_app(settings) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ADMIN)
        run = services.engine.ask(REQUESTER, "An X post about Tidewell Restore")
        assert run.draft is not None
        decide(services.engine, run.draft.id, APPROVER, "approve")
        yield app, services, standin, run.request.id


def click(app: App, standin: StandIn, user: str, request_id: str) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0000APP01",
        "trigger_id": f"trigger-{user}",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "CAPPROVALS"},
        "channel": {"id": "CAPPROVALS"},
        "actions": [{"action_id": approval.RECEIPT, "value": request_id, "type": "button", "block_id": "b"}],
    }
    assert dispatch(app, {"payload": json.dumps(payload)}, form=True).status == 200


def test_the_requester_approvers_and_admins_see_the_receipt(slack: tuple[App, Services, StandIn, str]) -> None:
    app, _, standin, request_id = slack
    for user in (REQUESTER, APPROVER, ADMIN):
        click(app, standin, user, request_id)
        (opened,) = standin.wait_for(
            lambda user=user: [c for c in standin.of("views.open") if c.args["trigger_id"] == f"trigger-{user}"]
        )
        assert opened.args["view"]["title"]["text"] == "Receipt"
        assert f"`{request_id}`" in all_text(opened.args["view"]) and "Matches the seal" in all_text(
            opened.args["view"]
        )
    assert standin.of("chat.postEphemeral") == []


def test_anyone_else_is_told_no_privately(slack: tuple[App, Services, StandIn, str]) -> None:
    app, _, standin, request_id = slack
    click(app, standin, STRANGER, request_id)
    (told,) = standin.wait_for(lambda: standin.of("chat.postEphemeral"))
    assert told.args["user"] == STRANGER and "Only the person who asked, approvers and admins" in told.args["text"]
    assert standin.of("views.open") == []


def test_a_request_not_approved_has_no_receipt_to_open(slack: tuple[App, Services, StandIn, str]) -> None:
    app, services, standin, _ = slack
    pending = services.engine.ask(REQUESTER, "Another X post about Tidewell Restore")
    click(app, standin, APPROVER, pending.request.id)
    (told,) = standin.wait_for(lambda: standin.of("chat.postEphemeral"))
    assert "has no receipt" in told.args["text"] and standin.of("views.open") == []
