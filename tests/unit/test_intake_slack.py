"""Intake in Slack, through Bolt's real request handling and the Slack stand-in: a DM, a mention
or `/brandbot TEXT` records one intake row before the ack; its worker reads what it asks for and
queues an answer, a check or a draft (only drafts and rewrites reach approvers); "Draft it
instead" and "Just answer" re-route it, for the person who sent it only, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import event as sql_events
from sqlalchemy import select

from brandbot.config import LOCAL_MODEL_NAME, Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack import answers, intake, requests
from brandbot.slack.app import web_client
from brandbot.slack.blocks import intake as blocks
from brandbot.slack.blocks import messages
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.notices import Courier
from brandbot.store.audit import entries
from brandbot.store.models import Request, WorkItem, utcnow
from brandbot.store.retention import prune
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import run_one
from tests.support.bolt_app import bolt_app, click, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import TEAM, StandIn, event

pytestmark = pytest.mark.both_configurations

ALICE, MALLORY = "UALICE01", "UMALLORY1"
DM = "DALICE01"
GUIDE = b"# Voice\n\n## Words\n\nSay affordable, never cheap."
QUESTION = "Can I say cheap when I talk about our prices?"
DRAFT = "a LinkedIn post announcing Tidewell Restore"


@dataclass
class Slack:
    app: App
    services: Services
    standin: StandIn
    deps: SlackDeps
    fake: FakeLLM
    sent: int = 0

    def dm(self, text: str, user: str = ALICE) -> str:
        """A DM as Slack delivers it; returns its ts (the thread the answers go to)."""
        self.sent += 1
        ts = f"{1_700_000_000 + self.sent}.000100"
        body = {"type": "message", "channel_type": "im", "channel": DM, "user": user, "text": text, "ts": ts}
        assert dispatch(self.app, event(body, f"EvDM{self.sent:04d}"), form=False).status == 200
        return ts

    def command(self, text: str, user: str = ALICE) -> str:
        """What the ack says (Bolt answers a text-only ack as plain text)."""
        self.sent += 1
        fields = {
            "command": "/brandbot",
            "text": text,
            "user_id": user,
            "channel_id": "CGENERAL",
            "team_id": TEAM,
            "trigger_id": f"trigger-{self.sent}",
            "response_url": f"{self.standin.url}/response/command",
        }
        response = dispatch(self.app, fields, form=True)
        assert response.status == 200
        return str(response.body)

    def run(self, kind: str) -> int:
        """Runs every queued row of `kind` as its worker would; how many ran."""
        handler = intake.handler(self.deps) if kind == WorkKind.intake else requests.handler(self.deps)
        ran = 0
        while (row := self.services.work.claim([kind])) is not None:
            run_one(self.services.work, row, handler)
            ran += 1
        self.deps.news.shutdown(wait=True)
        object.__setattr__(self.deps, "news", type(self.deps.news)(2))
        return ran

    def deliver(self) -> None:
        handlers = Courier(self.services, web_client(self.services.settings)).handlers()
        while (row := self.services.outbox.claim()) is not None:
            run_one(self.services.outbox, row, handlers[row.kind])

    def rows(self, kind: str) -> list[WorkItem]:
        with self.services.db.read() as session:
            return list(session.scalars(select(WorkItem).where(WorkItem.kind == kind).order_by(WorkItem.id)))

    def requests(self) -> list[Request]:
        return self.services.requests.list_requests()

    def thread(self, ts: str, channel: str = DM) -> list[dict[str, Any]]:
        return self.standin.posts_to(channel, ts)


@pytest.fixture
def slack(settings: Settings) -> Iterator[Slack]:
    fake = FakeLLM(structured={"message_intent": "unusable"})
    configured = settings.model_copy(update={"draft_examples": 0, "intent_model": True})
    with bolt_app(configured, fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ALICE)
        client = web_client(services.settings)
        yield Slack(app, services, standin, SlackDeps(services, Directory(services.settings, client), client), fake)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of the buttons on a posted message."""
    return {
        element["action_id"]: element["value"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def approval_cards(slack: Slack) -> list[dict[str, Any]]:
    return slack.standin.posts_to("CAPPROVALS")


def ephemeral_to(slack: Slack, user: str) -> list[str]:
    return [call.args["text"] for call in slack.standin.of("chat.postEphemeral") if call.args["user"] == user]


def test_a_dm_records_one_intake_row_before_the_ack_and_nothing_else(slack: Slack) -> None:
    ts = slack.dm(QUESTION)
    [row] = slack.rows(WorkKind.intake)
    assert row.payload == {
        "user": ALICE,
        "text": QUESTION,
        "reply_to": {"channel": DM, "thread_ts": ts},
        "entry": "dm",
    }
    assert slack.requests() == [] and slack.fake.requests == [], "no request, no LLM call in the ack path"


def test_the_ack_writes_the_row_and_takes_the_budget_in_two_statements(slack: Slack) -> None:
    """Where Slack waits: the row's unique key tells a repeat from a new message, so a repeat
    costs one statement and is not charged."""
    statements: list[str] = []

    def record(connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
        words = statement.split()
        if words[0] in ("INSERT", "UPDATE", "DELETE", "SELECT"):
            statements.append(f"{words[0]} {words[2] if words[0] == 'INSERT' else '...'}")

    sql_events.listen(slack.services.db.engine, "before_cursor_execute", record)
    body = {"type": "message", "channel_type": "im", "channel": DM, "user": ALICE, "text": QUESTION, "ts": "7.0"}
    assert dispatch(slack.app, event(body, "EvCOST01"), form=False).status == 200
    assert statements == ["INSERT work", "INSERT llm_budgets"]
    statements.clear()
    assert dispatch(slack.app, event(body, "EvCOST02"), form=False).status == 200
    assert statements == ["INSERT work"], "the same message again: nothing written, nothing charged"
    sql_events.remove(slack.services.db.engine, "before_cursor_execute", record)
    assert len(slack.rows(WorkKind.intake)) == 1


def test_a_dm_question_queues_an_answer_and_no_request(slack: Slack) -> None:
    ts = slack.dm(QUESTION)
    assert slack.run(WorkKind.intake) == 1
    [answer] = slack.rows(WorkKind.answer)
    assert answer.payload == {"user": ALICE, "question": QUESTION, "reply_to": {"channel": DM, "thread_ts": ts}}
    assert slack.requests() == [] and slack.rows(WorkKind.draft) == []
    slack.deliver()
    [reply] = slack.thread(ts)
    assert "question about our brand guidelines" in reply["text"]
    assert list(buttons(reply)) == [blocks.DRAFT_INSTEAD]
    assert approval_cards(slack) == [], "no approver sees a question"


def test_pasted_text_to_check_queues_a_text_check_with_the_text_alone(slack: Slack) -> None:
    ts = slack.dm('is this on-brand? "Tidewell is the cheapest backup out there!!!"')
    slack.run(WorkKind.intake)
    [check] = slack.rows(WorkKind.text_check)
    assert check.payload == {
        "user": ALICE,
        "text": "Tidewell is the cheapest backup out there!!!",
        "reply_to": {"channel": DM, "thread_ts": ts},
    }
    assert slack.requests() == []


def test_a_draft_request_is_still_drafted_and_sent_for_approval_with_just_answer_on_its_progress(
    slack: Slack,
) -> None:
    ts = slack.dm(DRAFT)
    slack.run(WorkKind.intake)
    [request] = slack.requests()
    assert (request.text, request.requester, request.reply_to) == (DRAFT, ALICE, {"channel": DM, "thread_ts": ts})
    slack.deliver()
    [queued] = slack.thread(ts)
    assert "Queued" in queued["text"] and buttons(queued) == {blocks.JUST_ANSWER: request.id}
    slack.run("draft")
    slack.deliver()
    assert len(approval_cards(slack)) == 1
    progress = [c.args for c in slack.standin.of("chat.update") if c.args.get("ts") == queued["_ts"]]
    assert progress and all(buttons(update) == {blocks.JUST_ANSWER: request.id} for update in progress)
    assert "waiting for an approver" in progress[-1]["text"]


def test_a_rewrite_becomes_a_draft_request_to_rewrite_the_given_text(slack: Slack) -> None:
    slack.dm("rewrite this on-brand: Tidewell is the BEST backup ever!!!")
    slack.run(WorkKind.intake)
    [request] = slack.requests()
    assert request.text.startswith("Rewrite this text on-brand, keeping what it says")
    assert request.text.endswith("\n\nText:\nTidewell is the BEST backup ever!!!")
    assert slack.rows(WorkKind.draft) and slack.rows(WorkKind.answer) == [] and slack.rows(WorkKind.text_check) == []


def test_the_model_decides_a_message_without_a_plain_signal(slack: Slack) -> None:
    slack.fake.structured["message_intent"] = {"intent": "question"}
    slack.dm("the trial disclaimer on partner pages")
    slack.run(WorkKind.intake)
    assert slack.rows(WorkKind.answer) and slack.requests() == []


def test_the_local_model_is_not_asked_unless_configured(slack: Slack) -> None:
    """It reads intents at chance: with it, the patterns decide alone (bench/RESULTS.md)."""
    local = slack.services.settings.model_copy(update={"intent_model": None, "llm_model": LOCAL_MODEL_NAME})
    assert not local.resolved_intent_model and local.model_copy(update={"llm_model": "llama"}).resolved_intent_model
    slack.services.settings = local
    slack.fake.structured["message_intent"] = {"intent": "question"}
    slack.dm("the trial disclaimer on partner pages")
    slack.run(WorkKind.intake)
    assert slack.rows(WorkKind.answer) == [] and len(slack.requests()) == 1
    assert not [r for r in slack.fake.requests if "message_intent" in json.dumps(r.get("response_format"))]


def test_a_repeated_delivery_and_a_run_twice_route_once(slack: Slack) -> None:
    body = {"type": "message", "channel_type": "im", "channel": DM, "user": ALICE, "text": DRAFT, "ts": "5.0"}
    for event_id in ("EvONCE01", "EvONCE01", "EvONCE02"):
        assert dispatch(slack.app, event(body, event_id), form=False).status == 200
    [row] = slack.rows(WorkKind.intake)
    handler = intake.handler(slack.deps)
    handler.run(row)
    handler.run(row)
    assert len(slack.requests()) == 1


def test_the_slash_command_acks_and_answers_in_a_dm_thread(slack: Slack) -> None:
    assert slack.command(QUESTION) == messages.COMMAND_RECEIVED
    [row] = slack.rows(WorkKind.intake)
    assert row.payload["reply_to"] == {"dm_user": ALICE} and row.payload["entry"] == "command"
    slack.run(WorkKind.intake)
    [answer] = slack.rows(WorkKind.answer)
    root = next(m for m in slack.standin.posts_to(f"D{ALICE}") if "You asked" in m["text"])
    assert answer.payload["reply_to"] == {"channel": f"D{ALICE}", "thread_ts": root["_ts"]}


def test_refusals_keep_their_clear_messages(slack: Slack, settings: Settings) -> None:
    too_long = "x" * (slack.services.settings.max_request_chars + 1)
    refusal = slack.command(too_long)
    assert "characters long; the limit is" in refusal and slack.rows(WorkKind.intake) == []
    ts = slack.dm("   ")
    slack.deliver()
    assert [m["text"] for m in slack.thread(ts)] == [messages.EMPTY_REQUEST]

    object.__setattr__(slack.services.settings, "max_drafts_per_hour", 1)
    slack.dm(DRAFT)
    limited = slack.dm(f"{DRAFT} (again)")
    slack.run(WorkKind.intake)
    slack.deliver()
    assert len(slack.requests()) == 1
    assert "You have asked for 1 draft in the last hour" in slack.thread(limited)[0]["text"]


def test_draft_it_instead_drafts_the_same_text_once_for_the_sender_only(slack: Slack) -> None:
    ts = slack.dm(QUESTION)
    slack.run(WorkKind.intake)
    slack.deliver()
    key = buttons(slack.thread(ts)[0])[blocks.DRAFT_INSTEAD]
    click(slack.app, slack.standin, MALLORY, blocks.DRAFT_INSTEAD, key)
    slack.standin.wait_for(lambda: ephemeral_to(slack, MALLORY), timeout=10)
    assert "Only the person who sent the message" in ephemeral_to(slack, MALLORY)[0] and slack.requests() == []

    click(slack.app, slack.standin, ALICE, blocks.DRAFT_INSTEAD, key)
    [request] = slack.requests()
    assert (request.text, request.reply_to) == (QUESTION, {"channel": DM, "thread_ts": ts})
    click(slack.app, slack.standin, ALICE, blocks.DRAFT_INSTEAD, key)
    assert len(slack.requests()) == 1, "a second click changes nothing"
    slack.run("draft")
    slack.deliver()
    assert len(approval_cards(slack)) == 1


def test_just_answer_before_the_draft_withdraws_the_request_and_queues_the_question(slack: Slack) -> None:
    ts = slack.dm(DRAFT)
    slack.run(WorkKind.intake)
    [request] = slack.requests()
    click(slack.app, slack.standin, MALLORY, blocks.JUST_ANSWER, request.id)
    assert slack.rows(WorkKind.answer) == []
    click(slack.app, slack.standin, ALICE, blocks.JUST_ANSWER, request.id)
    click(slack.app, slack.standin, ALICE, blocks.JUST_ANSWER, request.id)
    [answer] = slack.rows(WorkKind.answer)
    assert answer.payload == {"user": ALICE, "question": DRAFT, "reply_to": {"channel": DM, "thread_ts": ts}}
    assert slack.services.requests.get_request(request.id).status == "withdrawn"  # type: ignore[union-attr]
    assert [e.action for e in entries(slack.services.db, request_id=request.id)].count("request.withdrawn") == 1
    slack.run("draft")
    slack.deliver()
    assert slack.services.requests.drafts_for(request.id) == [] and approval_cards(slack) == []
    assert slack.fake.draft_calls == [], "the withdrawn request was never drafted"


def test_just_answer_on_a_draft_awaiting_review_closes_its_card(slack: Slack) -> None:
    slack.dm(DRAFT)
    slack.run(WorkKind.intake)
    slack.run("draft")
    slack.deliver()
    [request] = slack.requests()
    click(slack.app, slack.standin, ALICE, blocks.JUST_ANSWER, request.id)
    assert len(slack.rows(WorkKind.answer)) == 1
    slack.run("resume")
    slack.deliver()
    draft = slack.services.requests.latest_draft(request.id)
    assert draft is not None and draft.status == "withdrawn"
    assert slack.services.requests.get_request(request.id).status == "withdrawn"  # type: ignore[union-attr]
    card = [c.args for c in slack.standin.of("chat.update") if c.args.get("channel") == "CAPPROVALS"]
    assert card and "Withdrawn by" in json.dumps(card[-1]["blocks"]) and "draft_approve" not in json.dumps(card[-1])
    assert "draft.withdrawn" in [e.action for e in entries(slack.services.db, request_id=request.id)]


def test_a_click_with_no_value_is_acknowledged_and_ignored(slack: Slack) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": ALICE, "team_id": TEAM},
        "api_app_id": "A0000APP01",
        "trigger_id": "t",
        "channel": {"id": DM},
        "actions": [{"action_id": blocks.JUST_ANSWER, "type": "button", "block_id": "b"}],
    }
    assert dispatch(slack.app, {"payload": json.dumps(payload)}, form=True).status == 200
    assert slack.rows(WorkKind.answer) == [] and slack.requests() == []


def test_draft_it_instead_stays_done_after_the_sweep(slack: Slack) -> None:
    ts = slack.dm(QUESTION)
    slack.run(WorkKind.intake)
    slack.deliver()
    key = buttons(slack.thread(ts)[0])[blocks.DRAFT_INSTEAD]
    click(slack.app, slack.standin, ALICE, blocks.DRAFT_INSTEAD, key)
    later = utcnow() + timedelta(hours=slack.services.settings.event_retention_hours + 1)
    prune(slack.services.db, slack.services.settings, later)
    click(slack.app, slack.standin, ALICE, blocks.DRAFT_INSTEAD, key)
    assert len(slack.requests()) == 1, "a click hours later drafts nothing more"
    slack.run("draft")
    slack.deliver()
    assert len(approval_cards(slack)) == 1


def test_just_answer_stays_done_after_the_sweep_pruned_the_answered_row(slack: Slack) -> None:
    slack.dm(DRAFT)
    slack.run(WorkKind.intake)
    [request] = slack.requests()
    click(slack.app, slack.standin, ALICE, blocks.JUST_ANSWER, request.id)
    row = slack.services.work.claim([WorkKind.answer])
    assert row is not None
    run_one(slack.services.work, row, answers.handler(slack.deps))
    later = utcnow() + timedelta(days=slack.services.settings.finished_retention_days + 1)
    assert prune(slack.services.db, slack.services.settings, later).work > 0
    assert slack.rows(WorkKind.answer) == [], "the answered row is gone"
    click(slack.app, slack.standin, ALICE, blocks.JUST_ANSWER, request.id)
    assert slack.rows(WorkKind.answer) == [], "a click weeks later answers nothing again"
    said = slack.standin.wait_for(lambda: ephemeral_to(slack, ALICE), timeout=10)
    assert "answering it already" in said[-1]
