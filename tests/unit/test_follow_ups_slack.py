"""Follow-ups in a request's thread, through Bolt's real request handling, intake and the Slack
stand-in: the requester's note while the draft waits for review makes the next revision from it
and closes the first card as superseded; a question there is answered and the card stays open;
anyone else's reply, a retried delivery and a note too early change nothing (the last is
answered once)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import func, select

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack import intake
from brandbot.slack.blocks.answers import NOT_RIGHT
from brandbot.store.audit import entries
from brandbot.store.models import Draft, Request, WorkItem
from brandbot.store.status import Action, DraftStatus
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import run_one
from tests.support.bolt_app import ADMIN, APPROVER, bolt_app, dispatch
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import TEAM, StandIn, event
from tests.support.slack_work import run_answers, run_work, slack_deps

pytestmark = pytest.mark.both_configurations

ALICE, CAROL = "UALICE01", "UCAROL01"
GENERAL, DM = "CGENERAL1", "DALICE01"
ASKED_AT = "1800000800.000100"
GUIDE = b"# Voice\n\n## Tone\n\nBe calm and plain with customers. Name Tidewell Backup in full."
FIRST = "Tidewell Backup now restores a whole laptop in one click, with nothing to set up first."
SHORTER = "Tidewell Backup restores a laptop in one click."
ANSWERED = {"covered": True, "citations": [1], "answer": "Be calm and plain with customers."}
QUESTION = {"intent": "question"}


@dataclass
class Thread:
    app: App
    services: Services
    standin: StandIn
    fake: FakeLLM
    request_id: str
    channel: str
    thread_ts: str

    def reply(self, user: str, text: str, ts: str, event_id: str, **extra: Any) -> None:
        body = {"type": "message", "user": user, "text": text, "ts": ts, "channel": self.channel}
        body |= {"thread_ts": self.thread_ts, "channel_type": "im" if self.channel == DM else "channel"} | extra
        assert dispatch(self.app, event(body, event_id), form=False).status == 200

    def drafts(self) -> list[Draft]:
        return self.services.requests.drafts_for(self.request_id)

    def card(self, revision: int) -> dict[str, Any]:
        [card] = [
            m
            for m in self.standin.posts_to("CAPPROVALS")
            if f"revision {revision}" in json.dumps(m["blocks"][0]) and self.request_text in json.dumps(m["blocks"])
        ]
        return card

    @property
    def request_text(self) -> str:
        request = self.services.requests.get_request(self.request_id)
        assert request is not None
        return request.text


@pytest.fixture
def slack(settings: Settings) -> Iterator[tuple[App, Services, StandIn, FakeLLM]]:
    yield from _slack(settings, FakeLLM(drafts=[FIRST, SHORTER], structured={"guideline_answer": ANSWERED}))


@pytest.fixture
def misreading(settings: Settings) -> Iterator[tuple[App, Services, StandIn, FakeLLM]]:
    """As `slack`, with an intent model that reads every message it is asked about as a question."""
    fake = FakeLLM(drafts=[FIRST, SHORTER], structured={"guideline_answer": ANSWERED, "message_intent": QUESTION})
    yield from _slack(settings.model_copy(update={"intent_model": True}), fake)


def _slack(settings: Settings, fake: FakeLLM) -> Iterator[tuple[App, Services, StandIn, FakeLLM]]:
    with bolt_app(settings.model_copy(update={"draft_examples": 0}), fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ADMIN)
        yield app, services, standin, fake


def asked(slack: tuple[App, Services, StandIn, FakeLLM], *, in_dm: bool = False) -> Thread:
    """ALICE's request, by a mention in #general or a DM, drafted and waiting on its first card."""
    app, services, standin, fake = slack
    channel = DM if in_dm else GENERAL
    body = {"user": ALICE, "text": "<@UBOT000001> an X post about Tidewell Backup", "ts": ASKED_AT, "channel": channel}
    body |= {"type": "message", "channel_type": "im"} if in_dm else {"type": "app_mention"}
    assert dispatch(app, event(body, "EvAsk"), form=False).status == 200
    run_work(services)
    [request_id] = [r.id for r in services.requests.list_requests(requester=ALICE)]
    thread = Thread(app, services, standin, fake, request_id, channel, ASKED_AT)
    assert [d.status for d in thread.drafts()] == [DraftStatus.pending]
    assert "actions" in json.dumps(thread.card(1)["blocks"])
    return thread


def run_intake(services: Services) -> None:
    """What the intake pool does: each message recorded on the ack path read and routed."""
    deps = slack_deps(services)
    while (row := services.work.claim([WorkKind.intake])) is not None:
        run_one(services.work, row, intake.handler(deps))


def mention(thread: Thread, text: str, ts: str, event_id: str) -> None:
    """ALICE's mention of the bot in the thread, delivered as Slack does: as a mention and as a message."""
    body = {"type": "app_mention", "user": ALICE, "text": f"<@UBOT000001> {text}", "ts": ts, "channel": GENERAL}
    assert dispatch(thread.app, event(body | {"thread_ts": thread.thread_ts}, event_id), form=False).status == 200
    thread.reply(ALICE, f"<@UBOT000001> {text}", ts, f"{event_id}Message")


def answers_in(thread: Thread) -> list[dict[str, Any]]:
    """The answers to guideline questions posted in the thread (each has a "Not right" button)."""
    return [m for m in thread.standin.posts_to(thread.channel, thread.thread_ts) if NOT_RIGHT in json.dumps(m)]


def resume_rows(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.kind == "resume")) or 0)


def test_the_requesters_reply_makes_revision_2_from_the_note_and_supersedes_the_first_card(slack: Any) -> None:
    thread = asked(slack)
    thread.reply(ALICE, "shorter, and mention the free trial", "1800000801.000100", "EvReply")
    run_intake(thread.services)

    first = thread.drafts()[0]
    assert first.status == DraftStatus.changes_requested
    decision = thread.services.requests.decision_for(first.id)
    assert decision is not None
    assert (decision.actor, decision.action, decision.note) == (
        ALICE,
        Action.changes,
        "shorter, and mention the free trial",
    )
    [audited] = [
        e for e in entries(thread.services.db, request_id=thread.request_id) if e.action == "draft.changes_requested"
    ]
    assert audited.actor == ALICE and audited.detail["follow_up"] is True
    assert audited.detail["note"] == "shorter, and mention the free trial"

    run_work(thread.services)
    drafts = thread.drafts()
    assert [(d.revision, d.status, d.text) for d in drafts][1] == (2, DraftStatus.pending, SHORTER)
    prompt = json.dumps(thread.fake.draft_calls[-1])
    assert "shorter, and mention the free trial" in prompt and FIRST in prompt
    old_card = thread.card(1)
    closed = json.dumps(old_card["blocks"])
    assert "followed up in the thread" in closed and "Superseded by revision 2" in closed and drafts[1].id in closed
    assert "draft_approve" not in closed
    assert "draft_approve" in json.dumps(thread.card(2)["blocks"])
    news = json.dumps(thread.standin.posts_to(GENERAL, ASKED_AT))
    assert "writing a new version" in news


def test_a_reply_also_sent_to_the_private_channel_is_a_follow_up_too(slack: Any) -> None:
    thread = asked(slack)
    thread.reply(ALICE, "shorter", "1800000801.000100", "EvReply", subtype="thread_broadcast", channel_type="group")
    run_work(thread.services)
    assert [(d.revision, d.status) for d in thread.drafts()] == [(1, "changes_requested"), (2, "pending")]


def test_a_reply_from_someone_else_changes_nothing(slack: Any) -> None:
    thread = asked(slack)
    before = len(thread.standin.calls)
    thread.reply(CAROL, "make it shorter", "1800000801.000100", "EvCarol")
    thread.reply(APPROVER, "<@UBOT000001> shorter", "1800000802.000100", "EvBob")
    assert [d.status for d in thread.drafts()] == [DraftStatus.pending]
    assert resume_rows(thread.services) == 0
    run_work(thread.services)
    assert [c.method for c in thread.standin.calls[before:]] == []


def test_a_retried_or_repeated_delivery_makes_one_revision(slack: Any) -> None:
    thread = asked(slack)
    ts = "1800000801.000100"
    thread.reply(ALICE, "<@UBOT000001> shorter", ts, "EvReply")
    thread.reply(ALICE, "<@UBOT000001> shorter", ts, "EvReply")  # Slack's retry
    mention = {"type": "app_mention", "user": ALICE, "text": "<@UBOT000001> shorter", "ts": ts}
    mention |= {"channel": GENERAL, "thread_ts": ASKED_AT}
    assert dispatch(thread.app, event(mention, "EvMention"), form=False).status == 200  # the same message as a mention
    run_intake(thread.services)
    assert resume_rows(thread.services) == 1
    run_work(thread.services)
    thread.reply(ALICE, "<@UBOT000001> shorter", ts, "EvReply")  # a late retry, with revision 2 pending
    assert dispatch(thread.app, event(mention, "EvMention"), form=False).status == 200
    run_work(thread.services)
    assert [(d.revision, d.status) for d in thread.drafts()] == [(1, "changes_requested"), (2, "pending")]
    assert resume_rows(thread.services) == 1
    assert len(thread.services.requests.list_requests(requester=ALICE)) == 1


def test_a_reply_while_drafting_is_answered_once_and_a_reply_after_approval_is_left_alone(slack: Any) -> None:
    thread = asked(slack)
    thread.reply(ALICE, "shorter", "1800000801.000100", "EvReply")
    thread.reply(ALICE, "and mention the free trial", "1800000802.000100", "EvEarly")
    thread.reply(ALICE, "and mention the free trial", "1800000802.000100", "EvEarly")
    run_work(thread.services)
    early = [m for m in thread.standin.posts_to(GENERAL, ASKED_AT) if "still working" in m["text"]]
    assert len(early) == 1
    assert len(thread.drafts()) == 2

    decide(thread.services.engine, thread.drafts()[1].id, APPROVER, "approve")
    run_work(thread.services)
    before = len(thread.standin.calls)
    thread.reply(ALICE, "thanks!", "1800000803.000100", "EvThanks")
    run_work(thread.services)
    assert thread.standin.calls[before:] == []
    assert len(thread.drafts()) == 2


def test_a_reply_in_a_dm_thread_is_a_follow_up_not_a_new_request(slack: Any) -> None:
    thread = asked(slack, in_dm=True)
    thread.reply(ALICE, "shorter", "1800000801.000100", "EvReply", parent_user_id=ALICE)
    run_work(thread.services)
    assert [d.revision for d in thread.drafts()] == [1, 2]
    with thread.services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Request)) == 1


def test_a_reply_in_the_dm_thread_a_slash_command_opened_is_a_follow_up(slack: Any) -> None:
    app, services, standin, _ = slack
    form = {"command": "/brandbot", "text": "an X post about Tidewell Backup", "user_id": ALICE, "team_id": TEAM}
    form |= {"channel_id": GENERAL, "trigger_id": "t", "response_url": f"{standin.url}/response/command"}
    assert dispatch(app, form, form=True).status == 200
    run_work(services)
    [request] = services.requests.list_requests(requester=ALICE)
    assert request.reply_to is not None
    channel, root = request.reply_to["channel"], request.reply_to["thread_ts"]
    assert channel == f"D{ALICE}"
    thread = Thread(app, services, standin, slack[3], request.id, channel, root)
    body = {"type": "message", "user": ALICE, "text": "shorter", "ts": "1800000801.000100", "channel": channel}
    body |= {"thread_ts": root, "channel_type": "im"}
    assert dispatch(app, event(body, "EvReply"), form=False).status == 200
    run_work(services)
    assert [(d.revision, d.status) for d in thread.drafts()] == [(1, "changes_requested"), (2, "pending")]
    assert len(services.requests.list_requests(requester=ALICE)) == 1


def test_a_question_mentioned_in_the_thread_while_the_draft_waits_is_answered_and_the_card_stays_open(
    slack: Any,
) -> None:
    thread = asked(slack)
    mention(thread, "What do our guidelines say about emoji on LinkedIn?", "1800000801.000100", "EvQuestion")
    run_work(thread.services)
    run_answers(thread.services)

    [first] = thread.drafts()
    assert first.status == DraftStatus.pending and thread.services.requests.decision_for(first.id) is None
    assert resume_rows(thread.services) == 0
    assert "draft_approve" in json.dumps(thread.card(1)["blocks"]), "the approver's card is still open"
    assert len(answers_in(thread)) == 1, "answered once, in the thread"


def test_a_note_in_the_thread_revises_even_where_the_intent_model_would_read_it_as_a_question(
    misreading: Any,
) -> None:
    thread = asked(misreading)
    mention(thread, "What do our guidelines say about emoji on LinkedIn?", "1800000801.000100", "EvQuestion")
    note = "shorter, mention the free trial"
    thread.reply(ALICE, note, "1800000802.000100", "EvNote")
    run_work(thread.services)
    run_answers(thread.services)

    first, second = thread.drafts()
    decision = thread.services.requests.decision_for(first.id)
    assert decision is not None
    assert (decision.actor, decision.action, decision.note) == (ALICE, Action.changes, note)
    assert (second.revision, second.status, second.text) == (2, DraftStatus.pending, SHORTER)
    assert len(answers_in(thread)) == 1, "the question was answered"
