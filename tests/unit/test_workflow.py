"""Workflow branches and decision rules, with a scripted LLM to force each branch.

The real local vLLM runs the same paths in tests/integration.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import text

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.store.audit import entries
from brandbot.store.models import utcnow
from brandbot.workflow.approvals import DecisionRefused, expire_due
from brandbot.workflow.engine import Engine, RequestInvalid
from tests.conftest import make_settings
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

GUIDE = (
    b"# Tidewell voice\n\n## Tone\n\nCalm and plain. Say affordable, never cheap.\n\n"
    b"## Trial\n\nThe free trial lasts 30 days."
)


@pytest.fixture
def fake() -> FakeLLM:
    return FakeLLM(drafts=["First draft about Tidewell Backup.", "Second, shorter draft.", "Third draft."])


def build(settings: Settings, fake: FakeLLM) -> Services:
    built = Services(settings, llm=fake.client(settings))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    return built


@pytest.fixture
def services(settings: Settings, fake: FakeLLM) -> Iterator[Services]:
    built = build(settings, fake)
    yield built
    built.close()


def ask(services: Services, requester: str = "alice", request: str = "A tweet about Tidewell Backup"):  # type: ignore[no-untyped-def]
    run = services.engine.ask(requester, request)
    assert run.error is None and run.draft is not None
    return run


def actions(services: Services) -> list[str]:
    return [entry.action for entry in entries(services.db)]


def test_ask_pauses_for_review_with_sources_and_checks(services: Services) -> None:
    run = ask(services)
    assert run.request.status == "awaiting_review"
    assert run.draft.status == "pending" and run.draft.revision == 1
    assert run.draft.text == "First draft about Tidewell Backup."
    assert {source["doc_id"] for source in run.draft.sources} == {"voice.md"}
    assert {source["version"] for source in run.draft.sources} == {
        services.knowledge_base.registry.get("voice.md").version
    }  # type: ignore[union-attr]
    assert [check["name"] for check in run.draft.checks] == ["non_empty", "length", "content_guard"]
    pending = services.engine.pending_review(run.request.id)
    assert pending is not None and pending["draft_id"] == run.draft.id
    assert pending["sources"] == run.draft.sources and pending["revision"] == 1
    assert actions(services) == ["guideline.published", "request.created", "draft.created"]


def test_prompt_puts_stable_preamble_first_then_passages_then_request(services: Services, fake: FakeLLM) -> None:
    ask(services)
    ask(services, request="An email to customers about the free trial")
    first, second = (call["messages"] for call in fake.draft_calls)  # type: ignore[index]
    preamble, passages = first[0]["content"].split("\n<passage", 1)
    assert second[0]["content"].startswith(preamble)
    assert "Calm and plain" in passages
    assert first[1]["content"].startswith("A tweet about Tidewell Backup")


def test_approve_delivers_the_final_text(services: Services) -> None:
    run = ask(services)
    result = decide(services.engine, run.draft.id, "bob", "approve")
    assert result.run.request.status == "approved"
    assert result.run.request.final_text == run.draft.text
    assert services.engine.pending_review(run.request.id) is None
    last = entries(services.db)[-1]
    assert (last.action, last.actor, last.draft_id, last.revision) == ("draft.approved", "bob", run.draft.id, 1)


def test_changes_draft_again_with_the_feedback_then_approve(services: Services, fake: FakeLLM) -> None:
    run = ask(services)
    changed = decide(services.engine, run.draft.id, "bob", "changes", "shorter, mention the free trial")
    second = changed.run.draft
    assert second is not None and second.revision == 2 and second.status == "pending"
    assert second.text == "Second, shorter draft."
    prompt = fake.draft_calls[-1]["messages"][1]["content"]  # type: ignore[index]
    assert "First draft about Tidewell Backup." in prompt and "shorter, mention the free trial" in prompt
    with pytest.raises(DecisionRefused, match=r"Changes were already requested .* by bob .* revision 2"):
        decide(services.engine, run.draft.id, "carol", "approve")
    approved = decide(services.engine, second.id, "carol", "approve")
    assert approved.run.request.final_text == "Second, shorter draft."


def test_edit_approves_what_the_approver_saved(services: Services) -> None:
    run = ask(services)
    result = decide(services.engine, run.draft.id, "bob", "edit", "Tidewell Backup: restore in one click.")
    assert result.run.request.status == "approved"
    assert result.run.request.final_text == "Tidewell Backup: restore in one click."
    detail = dict(entries(services.db)[-1].detail)
    assert set(detail.pop("receipt")) == {"sha256", "parts"}, "the approval seals the receipt"
    assert detail == {"edited": True, "final_text": "Tidewell Backup: restore in one click.", "edit_alerts": []}


def test_reject_closes_the_request_with_the_reason(services: Services) -> None:
    run = ask(services)
    result = decide(services.engine, run.draft.id, "bob", "reject", "We don't announce this yet")
    assert result.run.request.status == "rejected"
    assert services.requests.decision_for(run.draft.id).note == "We don't announce this yet"  # type: ignore[union-attr]
    with pytest.raises(DecisionRefused, match=r"already rejected by bob at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        decide(services.engine, run.draft.id, "carol", "approve")


def test_expiry_closes_overdue_drafts_only(services: Services) -> None:
    run = ask(services)
    assert expire_due(services.engine) == []
    expired = expire_due(services.engine, now=utcnow() + timedelta(hours=73), resume_here=True)
    assert [result.draft_id for result in expired] == [run.draft.id]
    assert services.requests.get_request(run.request.id).status == "expired"  # type: ignore[union-attr]
    with pytest.raises(DecisionRefused, match=r"expired at .* without a decision"):
        decide(services.engine, run.draft.id, "bob", "approve")


@pytest.mark.parametrize(
    ("actor", "action", "text", "reason"),
    [
        ("mallory", "approve", None, "mallory can't approve drafts"),
        ("alice", "approve", None, None),
        ("bob", "changes", None, "Say what should change"),
        ("bob", "reject", "  ", "Give a reason"),
        ("bob", "edit", "", "needs the edited text"),
        ("bob", "publish", None, "Unknown action 'publish'"),
    ],
)
def test_refusals_change_nothing(
    tmp_path: Path, fake: FakeLLM, actor: str, action: str, text: str | None, reason: str | None
) -> None:
    services = build(make_settings(tmp_path, approvers=["alice", "bob"]), fake)
    if actor == "alice":
        reason = "alice asked for this draft, so someone else has to decide on it"
    run = ask(services)
    before = actions(services)
    with pytest.raises(DecisionRefused, match=reason):
        decide(services.engine, run.draft.id, actor, action, text)
    assert services.requests.get_draft(run.draft.id).status == "pending"  # type: ignore[union-attr]
    assert actions(services) == before
    assert services.engine.pending_review(run.request.id)["draft_id"] == run.draft.id  # type: ignore[index]


def test_change_rounds_are_bounded(tmp_path: Path, fake: FakeLLM) -> None:
    services = build(make_settings(tmp_path, max_change_rounds=1), fake)
    run = ask(services)
    second = decide(services.engine, run.draft.id, "bob", "changes", "again").run.draft
    with pytest.raises(DecisionRefused, match="1 rounds of changes already"):
        decide(services.engine, second.id, "bob", "changes", "and again")  # type: ignore[union-attr]


def test_unknown_draft_and_empty_request(services: Services) -> None:
    with pytest.raises(DecisionRefused, match="There is no draft d_nope"):
        decide(services.engine, "d_nope", "bob", "approve")
    with pytest.raises(RequestInvalid, match="The request is empty"):
        services.engine.ask("alice", "   ")


def test_llm_down_mid_run_keeps_the_request_and_retry_finishes_it(services: Services, fake: FakeLLM) -> None:
    original = fake.__call__

    def fail_drafting(request):  # type: ignore[no-untyped-def]
        if b"response_format" not in request.content:
            fake.down = True
        return original(request)

    fake_transport = services.llm._http._transport  # type: ignore[attr-defined]
    fake_transport.handler = fail_drafting
    run = services.engine.ask("alice", "A tweet about Tidewell Backup")
    assert run.draft is None and run.request.status == "failed"
    assert run.error is not None and "not reachable" in run.error
    assert services.requests.get_request(run.request.id).error == run.error  # type: ignore[union-attr]
    briefs_before = sum("response_format" in body for body in fake.requests)

    fake.down = False
    fake_transport.handler = original
    retried = services.engine.retry(run.request.id, "alice")
    assert retried.request.status == "awaiting_review" and retried.draft is not None
    assert sum("response_format" in body for body in fake.requests) == briefs_before, "intake is not run again"


def test_decision_recorded_before_a_crash_is_resumed_by_retry(services: Services) -> None:
    run = ask(services)
    draft = services.requests.get_draft(run.draft.id)
    assert services.requests.claim_decision(draft, "bob", "approve", None, draft.text) is not None  # type: ignore[arg-type]
    assert services.engine.pending_review(run.request.id) is not None, "the workflow never heard of it"
    retried = services.engine.retry(run.request.id, "alice")
    assert retried.request.status == "approved"
    with pytest.raises(RequestInvalid, match="already approved"):
        services.engine.retry(run.request.id, "alice")


def test_a_draft_recorded_before_a_crash_is_the_text_approved(settings: Settings) -> None:
    """A worker killed after recording its draft, before the workflow's checkpoint: the next
    worker runs the workflow again and gets another text from the LLM, but the card shows the
    recorded one, so that is what is reviewed and approved, and the request stays awaiting review."""
    fake = FakeLLM(drafts=["Text A, the one on the card.", "Text B, written again after the crash."])
    built = build(settings, fake)
    try:
        request = built.engine.submit("alice", "A tweet about Tidewell Backup")
        assert request is not None
        lost_checkpoints = Engine(built.engine.context, InMemorySaver(), built.work)
        lost_checkpoints.advance(request.id)
        card = built.requests.latest_draft(request.id)
        assert card is not None and card.text == "Text A, the one on the card."

        rerun = built.engine.run_now(f"draft:{request.id}", request.id)
        assert len(fake.draft_calls) == 2, "the second worker drafted again"
        assert rerun.request.status == "awaiting_review" and rerun.draft is not None and rerun.draft.id == card.id
        pending = built.engine.pending_review(request.id)
        assert pending is not None and pending["draft"] == card.text and pending["checks"] == card.checks

        approved = decide(built.engine, card.id, "bob", "approve")
        assert approved.run.request.final_text == card.text
        assert built.engine.state(request.id)["final_text"] == card.text
    finally:
        built.close()


def test_a_rerun_after_a_crash_that_fails_is_retried_back_to_the_card(settings: Settings) -> None:
    fake = FakeLLM(drafts=["Text A, the one on the card.", "Text B, written again after the crash."])
    built = build(settings, fake)
    try:
        request = built.engine.submit("alice", "A tweet about Tidewell Backup")
        assert request is not None
        Engine(built.engine.context, InMemorySaver(), built.work).advance(request.id)
        card = built.requests.latest_draft(request.id)
        assert card is not None
        fake.down = True
        assert built.engine.run_now(f"draft:{request.id}", request.id).request.status == "failed"
        fake.down = False
        retried = built.engine.retry(request.id, "alice")
        assert retried.request.status == "awaiting_review" and retried.draft is not None and retried.draft.id == card.id
        assert decide(built.engine, card.id, "bob", "approve").run.request.final_text == card.text
    finally:
        built.close()


def test_two_threads_deciding_at_once_give_one_decision(services: Services) -> None:
    run = ask(services)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(actor: str) -> None:
        barrier.wait()
        try:
            decide(services.engine, run.draft.id, actor, "approve")
            outcomes.append("ok")
        except DecisionRefused as refusal:
            outcomes.append(str(refusal))

    threads = [threading.Thread(target=click, args=(actor,)) for actor in ("bob", "carol")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0].startswith("Draft") and "already approved" in sorted(outcomes)[0]
    assert outcomes.count("ok") == 1
    assert actions(services).count("draft.approved") == 1


def test_overlong_draft_fails_the_length_check(settings: Settings) -> None:
    built = build(settings, FakeLLM(drafts=["x" * 400]))
    run = built.engine.ask("alice", "A tweet about Tidewell Backup")
    length = next(check for check in run.draft.checks if check["name"] == "length")  # type: ignore[union-attr]
    assert not length["passed"] and "400 of at most 280" in length["message"]
    built.close()


def test_audit_log_is_append_only(services: Services) -> None:
    ask(services)
    with pytest.raises(Exception, match="append-only"), services.db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    with pytest.raises(Exception, match="append-only"), services.db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))


def test_progress_events_name_the_passages_used(services: Services) -> None:
    events: list[dict[str, object]] = []
    run = services.engine.ask("alice", "A tweet about Tidewell Backup", on_progress=events.append)
    assert [event["stage"] for event in events] == ["retrieved", "drafting"]
    assert events[1]["passages"] == len(run.draft.sources) > 0  # type: ignore[union-attr]


def test_one_person_is_limited_per_hour_and_told_when_to_ask_again(settings: Settings, fake: FakeLLM) -> None:
    built = build(settings.model_copy(update={"max_drafts_per_hour": 2}), fake)
    try:
        for n in range(2):
            assert built.engine.submit("alice", f"A post about Tidewell Backup {n}") is not None
        with pytest.raises(RequestInvalid, match=r"2 drafts in the last hour.*ask again in \d+ minutes?\."):
            built.engine.submit("alice", "One more post")
        assert built.engine.submit("bob", "A post about Tidewell Vault") is not None, "others are not held back"
        with built.db.session() as session:
            session.execute(text("UPDATE llm_budgets SET window_start = :at"), {"at": utcnow() - timedelta(minutes=61)})
        assert built.engine.submit("alice", "Back after an hour") is not None
    finally:
        built.close()
