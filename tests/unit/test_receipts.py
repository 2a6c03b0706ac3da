"""Receipts of approved texts, for a small history built here through the real workflow (ask,
approve, ask again with the first text as an example, edit and approve) with a scripted LLM:
every field worked out by hand from what the test did, and `verify` naming each record edited
after the approval."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from brandbot.config import Settings
from brandbot.formats import format_for
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.store import audit, receipts, rule_versions
from brandbot.store.audit import entries
from brandbot.store.canonical import timestamp
from brandbot.store.models import Draft, Request
from tests.conftest import REPO
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain. Say affordable, never cheap."
FIRST = "Get your files back fast with our cheap plan."
EDITED = "Tidewell Restore: your files back in one click."


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class History:
    services: Services
    fake: FakeLLM
    first: str
    second: str


@pytest.fixture
def history(settings: Settings) -> Iterator[History]:
    """alice's request approved as drafted by bob; carol's, drafted with alice's text as an
    example, approved by bob with an edit."""
    fake = FakeLLM(drafts=[FIRST])
    services = Services(settings, llm=fake.client(settings))
    library.add(settings, services.db, REPO / "guidelines" / "rules", actor="admin")
    services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    first = services.engine.ask("alice", "An X post about Tidewell Restore for customers")
    assert first.draft is not None
    decide(services.engine, first.draft.id, "bob", "approve")
    second = services.engine.ask("carol", "An X post about restoring files with Tidewell Restore")
    assert second.draft is not None
    decide(services.engine, second.draft.id, "bob", "edit", EDITED)
    yield History(services, fake, first.request.id, second.request.id)
    services.close()


def owner_sql(history: History, statement: str) -> None:
    with history.services.db.engine.begin() as connection:
        connection.execute(text(statement))


def test_a_receipt_names_what_the_text_came_from_and_who_let_it_out(history: History) -> None:
    services, fake = history.services, history.fake
    found = receipts.find(services.db, history.second)
    assert found is not None
    receipt = found.receipt
    with services.db.read() as session:
        request = session.get(Request, history.second)
        draft = session.query(Draft).filter_by(request_id=history.second).one()
        assert request is not None
    last_prompt = fake.draft_calls[-1]["messages"]
    by_hand = json.dumps(last_prompt, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rules = rule_versions.current(services.db)
    assert rules is not None
    version = services.knowledge_base.registry.get("voice.md")
    assert version is not None

    assert (receipt.request.id, receipt.request.requester, receipt.request.origin) == (history.second, "carol", "cli")
    assert receipt.request.asked_at == timestamp(request.created_at)
    assert (receipt.draft.id, receipt.draft.revision) == (draft.id, 1)
    assert receipt.draft.text_sha256 == sha256("Get your files back fast with our affordable plan.")
    assert [(p.doc_id, p.section, p.version) for p in receipt.passages] == [("voice.md", "Tone", version.version)]
    assert (receipt.rules.version, receipt.rules.digest) == (rules.id, rules.digest)
    assert receipt.rules.fixes == [{"check": "Tidewell.WordsToAvoid", "from": "cheap", "to": "affordable"}]
    assert receipt.generation.model == "fake-model"
    assert receipt.generation.sampling == {
        "temperature": 0.3,
        "frequency_penalty": 0.5,
        "max_tokens": format_for("x_post").max_tokens,
    }
    assert receipt.generation.sampling.items() <= fake.draft_calls[-1].items()
    assert receipt.generation.prompt_sha256 == sha256(by_hand)
    assert receipt.generation.examples == [history.first]
    assert (receipt.decision.approver, receipt.decision.action) == ("bob", "edit")
    assert receipt.final_text_sha256 == sha256(EDITED) == found.delivered_sha256

    approval = entries(services.db, request_id=history.second)[-1]
    assert found.sealed is not None and found.sealed.entry_id == approval.id
    assert approval.detail["receipt"] == {"sha256": receipt.sha256(), "parts": receipt.part_hashes()}
    assert found.changes() == []


def test_the_first_text_was_drafted_without_examples_and_approved_as_drafted(history: History) -> None:
    found = receipts.find(history.services.db, history.first)
    assert found is not None
    assert found.receipt.generation.examples == []
    assert (found.receipt.decision.approver, found.receipt.decision.action) == ("bob", "approve")
    assert found.receipt.final_text_sha256 == found.receipt.draft.text_sha256 == found.delivered_sha256
    assert receipts.find(history.services.db, found.receipt.draft.id) == found, "by draft id too"


def test_only_approved_texts_have_receipts(history: History) -> None:
    pending = history.services.engine.ask("alice", "Another X post about Tidewell Restore")
    assert pending.draft is not None
    assert receipts.find(history.services.db, pending.request.id) is None
    assert receipts.find(history.services.db, pending.draft.id) is None
    assert receipts.find(history.services.db, "req_unknown") is None


def test_verify_rebuilds_every_receipt_and_names_what_changed(history: History) -> None:
    db = history.services.db
    assert receipts.verify(db) == (2, 0, [])
    edited = f"(SELECT id FROM drafts WHERE request_id = '{history.second}')"
    owner_sql(history, f"UPDATE decisions SET final_text = 'Cheap!' WHERE draft_id IN {edited}")
    owner_sql(history, f"UPDATE drafts SET sources = '[]' WHERE request_id = '{history.first}'")
    owner_sql(history, f"UPDATE requests SET final_text = 'Something else.' WHERE id = '{history.first}'")
    assert receipts.verify(db) == (
        2,
        0,
        [
            f"receipt of {history.first}: cited passages changed",
            f"receipt of {history.first}: the delivered text differs from the approved text",
            f"receipt of {history.second}: decision final text changed",
            f"receipt of {history.second}: the delivered text differs from the approved text",
        ],
    )


def test_columns_that_legitimately_change_later_do_not_count(history: History) -> None:
    owner_sql(history, 'UPDATE drafts SET card = \'{"channel": "C1", "ts": "1.0"}\'')
    owner_sql(history, "UPDATE requests SET reply_to = '{\"channel\": \"C1\"}', updated_at = '2030-01-01 00:00:00'")
    assert receipts.verify(history.services.db) == (2, 0, [])


def test_an_approval_made_up_in_the_records_has_no_seal_and_is_reported(history: History) -> None:
    db = history.services.db
    pending = history.services.engine.ask("alice", "Another X post about Tidewell Restore")
    assert pending.draft is not None
    owner_sql(history, f"UPDATE drafts SET status = 'approved' WHERE id = '{pending.draft.id}'")
    owner_sql(
        history,
        "INSERT INTO decisions (draft_id, actor, action, decided_at) "
        f"VALUES ('{pending.draft.id}', 'bob', 'approve', '2026-12-01 10:00:00.000000')",
    )
    unsealed = "approved with no sealed receipt in the audit log"
    assert receipts.verify(db) == (2, 0, [f"receipt of {pending.request.id}: {unsealed}"])
    found = receipts.find(db, pending.request.id)
    assert found is not None and found.sealed is None and not found.predates_receipts
    assert found.changes() == [unsealed]


def test_only_approvals_logged_before_receipts_were_sealed_predate_them(history: History) -> None:
    db = history.services.db
    with db.session() as session:
        audit.record(session, "bob", "draft.approved", request_id="req_old")
    assert receipts.verify(db) == (2, 0, ["receipt of req_old: approved with no sealed receipt in the audit log"])
    owner_sql(history, "UPDATE audit_chain_head SET receipts_from = last_id + 1")
    assert receipts.verify(db) == (2, 1, [])
