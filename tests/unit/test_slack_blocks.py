"""Block Kit builders, without Slack: ids only in buttons, Slack's size limits always respected."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from brandbot.slack.blocks import approval, home, messages, modals
from brandbot.slack.blocks.limits import MESSAGE_BLOCKS, SECTION_TEXT, split_text
from brandbot.store.status import Action, DraftStatus, RequestStatus
from brandbot.store.views import Compliance, DecisionView, DraftView


def view(**overrides: Any) -> DraftView:
    base = DraftView(
        request_id="req_1",
        draft_id="d_abc",
        status=DraftStatus.pending,
        request_status=RequestStatus.awaiting_review,
        revision=2,
        latest_revision=2,
        requester="UALICE01",
        request="A LinkedIn post about <Tidewell Restore> & more",
        brief={"format": "linkedin_post"},
        text="Tidewell Restore brings a laptop back in one click.",
        sources=[{"title": "Tidewell voice", "section": "Tone", "version": "0123456789abcdef", "page": None}],
        checks=[{"name": "length", "passed": True, "level": "error", "message": "ok"}],
        alerts=[],
        compliance=Compliance(errors=0, warnings=0, suggestions=0),
        fixes=[],
        auto_revisions=0,
        model="test-model",
        created_at="2026-11-26T14:00:00+00:00",
        expires_at="2026-11-29T14:02:00+00:00",
        decision=None,
        final_text=None,
        error=None,
    )
    return dataclasses.replace(base, **overrides)


def all_text(payload: Any) -> str:
    return json.dumps(payload)


def test_card_buttons_carry_the_draft_id_only() -> None:
    card = approval.approval_card(view())
    actions = next(block for block in card["blocks"] if block["type"] == "actions")
    assert [b["action_id"] for b in actions["elements"]] == list(approval.DECISION_ACTIONS)
    assert {b["value"] for b in actions["elements"]} == {"d_abc"}


def test_card_shows_requester_request_sources_and_escapes_control_characters() -> None:
    text = all_text(approval.approval_card(view()))
    assert "<@UALICE01>" in text and "&lt;Tidewell Restore&gt; &amp; more" in text
    assert "Tidewell voice &gt; Tone" in text and "v`01234567`" in text
    assert "LinkedIn post" in text and "revision 2" in text


def test_long_draft_is_split_into_sections_within_limits() -> None:
    long = "\n\n".join(f"Paragraph {i} " + "word " * 120 for i in range(400))
    card = approval.approval_card(view(text=long))
    assert len(card["blocks"]) <= MESSAGE_BLOCKS
    sections = [b for b in card["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= SECTION_TEXT for b in sections)
    assert card["blocks"][-2]["type"] == "actions", "buttons survive the cut"
    assert "too long to show whole" in all_text(card)


def test_split_text_keeps_every_word() -> None:
    text = " ".join(f"w{i}" for i in range(3000))
    parts = split_text(text, 500)
    assert all(len(part) <= 500 for part in parts)
    assert " ".join(parts).split() == text.split()


def test_decided_card_has_no_decision_buttons_and_says_who_and_when() -> None:
    decided = view(
        status=DraftStatus.approved,
        decision=DecisionView(Action.approve, "UBOB0001", "2026-11-26T14:02:00+00:00", None),
    )
    card = approval.decided_card(decided)
    buttons = [element["action_id"] for b in card["blocks"] if b["type"] == "actions" for element in b["elements"]]
    assert buttons == [approval.RECEIPT]
    text = all_text(card)
    assert "Approved by <@UBOB0001>" in text and "<!date^1795701720^" in text and "14:02 UTC" in text


def test_superseded_card_names_the_new_revision() -> None:
    changed = view(
        status=DraftStatus.changes_requested,
        decision=DecisionView(Action.changes, "UBOB0001", "2026-11-26T14:02:00+00:00", "shorter"),
    )
    text = all_text(approval.decided_card(changed, {"revision": 3, "draft_id": "d_new"}))
    assert "Changes requested by <@UBOB0001>" in text and "shorter" in text and "Superseded by revision 3" in text


def test_edit_modal_round_trips_a_long_draft() -> None:
    draft = "\n\n".join("Paragraph " + "x" * 900 for _ in range(8))
    modal = modals.edit_modal("d_abc", draft)
    assert modal["private_metadata"] == "d_abc" and len(modal["blocks"]) > 1
    values = {b["block_id"]: {modals.VALUE: {"value": b["element"]["initial_value"]}} for b in modal["blocks"]}
    assert all(len(b["element"]["initial_value"]) <= 3000 for b in modal["blocks"])
    assert modals.edited_text(values).split() == draft.split()


def test_failure_message_offers_a_retry_with_the_request_id() -> None:
    failure = messages.failed("The language model server is not reachable.", "req_9")
    button = failure["blocks"][1]["elements"][0]
    assert button["action_id"] == messages.RETRY and button["value"] == "req_9"


def test_home_shows_the_queue_only_to_approvers() -> None:
    mine = [view()]
    assert "Awaiting your review" not in all_text(home.home_view(mine, None))
    with_queue = all_text(home.home_view(mine, [(view(), "https://example.slack.com/x")]))
    assert "Awaiting your review (1)" in with_queue and "https://example.slack.com/x" in with_queue
