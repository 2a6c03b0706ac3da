"""Everything the bot posts is inert: text from requesters, the model, approvers, file names and
rule files never becomes a mention, a broadcast or a disguised link, on any path that posts."""

from __future__ import annotations

import dataclasses

from brandbot.guidelines.knowledge_base import IngestResult
from brandbot.slack.blocks import approval, home, messages, modals
from brandbot.slack.blocks.limits import MESSAGE_BLOCKS
from brandbot.store.models import Document
from brandbot.store.status import Action, DraftStatus
from brandbot.store.views import DecisionView
from tests.support.slack_markup import INJECTION, injected, literal_text, live_markup
from tests.unit.test_slack_blocks import view

DRAFT = f"Tidewell Restore is here.\n\n{INJECTION}\n\n*Bold?* _no_ `code` ~strike~ &amp; [docs](https://tidewell.com)"


def test_the_card_shows_the_draft_exactly_and_nothing_in_it_is_live() -> None:
    card = approval.approval_card(view(request=INJECTION, text=DRAFT))
    assert injected(card) == []
    assert literal_text(card["blocks"]) == DRAFT
    assert "<!channel>" not in card["text"] and "&lt;!channel&gt;" in card["text"], "the notification text too"


def test_the_card_names_each_links_real_target() -> None:
    card = approval.approval_card(view(text=DRAFT))
    links = next(
        block["elements"][0]["text"] for block in card["blocks"] if "Links in this draft" in str(block.get("elements"))
    )
    assert "`https://evil.example.com/login` (shown as “https://tidewell.com/restore”)" in links
    assert "`https://tidewell.com` (shown as “docs”)" in links
    assert live_markup(links) == []


def test_the_final_text_arrives_byte_for_byte_and_inert() -> None:
    final = DRAFT + "\n\n" + "Long paragraph, " * 4000 + "\n\nThe end."
    parts = messages.final_text(final)
    assert len(parts) > 1 and all(len(part["blocks"]) <= MESSAGE_BLOCKS for part in parts)
    assert injected(parts) == []
    assert "".join(literal_text(part["blocks"]) for part in parts) == final


def test_a_decided_card_with_a_hostile_note_and_an_edited_text() -> None:
    decision = DecisionView(actor="UBOB0001", action=Action.edit, note=INJECTION, at="2026-11-30T10:00:00+00:00")
    decided = approval.decided_card(view(status=DraftStatus.approved, decision=decision, text=DRAFT, request=INJECTION))
    assert injected(decided) == [] and "<@UBOB0001>" in live_markup(decided)
    for outcome in (DraftStatus.changes_requested, DraftStatus.rejected):
        assert injected(approval.decided_card(view(status=outcome, decision=decision))) == []


def test_home_failures_guidelines_and_uploads_are_inert() -> None:
    hostile = view(request=INJECTION)
    assert injected(home.home_view([hostile], [(hostile, "https://example.slack.com/archives/C1/p1")])) == []
    assert injected(messages.failed(INJECTION, "req_1")) == []
    document = Document(
        doc_id="voice", title=INJECTION, source=INJECTION, version="0" * 64, chunk_count=1, size_bytes=1, added_by="x"
    )
    assert injected(messages.guideline_list([document], is_admin=True)) == []
    results = [
        IngestResult(INJECTION, "added", doc_id="voice", title=INJECTION, version="0" * 64, chunks=1),
        IngestResult(INJECTION, "failed", reason=INJECTION),
        IngestResult(INJECTION, "unchanged", version="0" * 64),
    ]
    assert injected({"text": messages.ingest_report(results)}) == []


def test_rule_alerts_and_checks_on_the_card_are_inert() -> None:
    alert = {"check": "Brand.Words", "message": INJECTION, "level": "error", "match": INJECTION, "link": INJECTION}
    check = {"name": INJECTION, "passed": False, "level": "error", "message": INJECTION}
    fix = {"check": "Brand.Words", "from": INJECTION, "to": INJECTION}
    card = approval.approval_card(view(alerts=[alert], checks=[check], fixes=[fix]))
    assert injected(card) == []


def test_the_edit_modal_holds_the_draft_as_plain_input() -> None:
    modal = modals.edit_modal("d_abc", DRAFT)
    assert injected(modal) == []
    assert [block["element"]["type"] for block in modal["blocks"]] == ["plain_text_input"] * len(modal["blocks"])


def test_the_checker_sees_live_markup_where_slack_would() -> None:
    """The test's own instrument: it must find what it is looking for."""
    assert injected({"text": INJECTION}) != []
    assert injected({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": INJECTION}}]}) != []
    assert injected({"text": INJECTION, "mrkdwn": False}) == []
    assert injected({"blocks": [{"type": "section", "text": {"type": "plain_text", "text": INJECTION}}]}) == []
    assert injected(dataclasses.asdict(IngestResult("a", "added"))) == []
