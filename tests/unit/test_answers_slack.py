"""Guideline questions in Slack, through Bolt's real request handling, the durable work row and
the outbox to the Slack stand-in: an "answer" row's answer reaches the question's thread with
its citations and buttons; Helpful / Not right keep one verdict per person; a "not covered"
is forwarded to the admins once; `/brandbot ask` queues the question and answers it in a DM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import App

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack import answers, intake
from brandbot.slack.app import web_client
from brandbot.slack.blocks import answers as blocks
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.notices import Courier
from brandbot.store import answers as store
from brandbot.store import queue
from brandbot.store.audit import entries
from brandbot.store.events import stored_key
from brandbot.store.models import WorkItem
from brandbot.store.outbox import Notice
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import run_one
from tests.support.bolt_app import ADMIN, bolt_app, click, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.slack_markup import INJECTION, injected, literal_text, parsed_texts
from tests.support.slack_standin import TEAM, StandIn, event

pytestmark = pytest.mark.both_configurations

STAFF, COLLEAGUE = "UALICE01", "UCAROL01"
GUIDE = (
    b"# Words we use\n\n## Prices\n\nDescribe our prices as affordable. Never call them cheap: it suggests low quality."
)
ANSWER = "Never call our prices cheap; describe them as affordable."
HOSTILE_GUIDE = (
    f"# Announcements\n\n## Release posts\n\nAnnounce releases calmly. {INJECTION} Write *bold* only for product names."
).encode()
THREAD = {"channel": "CGENERAL", "thread_ts": "1700000000.000100"}


@dataclass(frozen=True)
class Slack:
    app: App
    services: Services
    standin: StandIn
    deps: SlackDeps
    fake: FakeLLM

    def run_answers(self) -> None:
        """What the "answers" pool does, then the outbox's delivery."""
        handler = answers.handler(self.deps)
        while (row := self.services.work.claim([WorkKind.answer])) is not None:
            run_one(self.services.work, row, handler)
        couriers = Courier(self.services, self.deps.client).handlers()
        while (message := self.services.outbox.claim(list(Notice))) is not None:
            run_one(self.services.outbox, message, couriers[message.kind])


@contextmanager
def answering(settings: Settings, guide: bytes, reply: object) -> Iterator[Slack]:
    """The bot with `guide` as its only guideline and `reply` as the model's every answer."""
    fake = FakeLLM(structured={"guideline_answer": reply})
    with bolt_app(settings, fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("words.md", len(guide), lambda: guide)], ADMIN)
        client = web_client(services.settings)
        yield Slack(app, services, standin, SlackDeps(services, Directory(services.settings, client), client), fake)


@pytest.fixture
def slack(settings: Settings) -> Iterator[Slack]:
    with answering(settings, GUIDE, {"covered": True, "citations": [1], "answer": ANSWER}) as made:
        yield made


def put(slack: Slack, key: str, question: str, reply_to: dict[str, Any]) -> None:
    with slack.services.db.session() as session:
        queue.put(session, WorkItem, WorkKind.answer, key, {"user": STAFF, "question": question, "reply_to": reply_to})


def command(app: App, user: str, text: str) -> dict[str, Any]:
    form = {"command": "/brandbot", "text": text, "user_id": user, "channel_id": "C1", "team_id": TEAM}
    response = dispatch(app, {**form, "trigger_id": "t-ask", "response_url": "http://127.0.0.1:9/r"}, form=True)
    assert response.status == 200
    return json.loads(response.body) if response.body.startswith("{") else {"text": response.body}


def test_the_answer_reaches_the_thread_once_with_citations_and_buttons(slack: Slack) -> None:
    put(slack, "answer:thread-1", "can I say cheap about our prices?", THREAD)
    slack.run_answers()
    put(slack, "answer:thread-1", "can I say cheap about our prices?", THREAD)
    slack.run_answers()
    [posted] = slack.standin.posts_to("CGENERAL", THREAD["thread_ts"])
    assert posted["text"] == ANSWER
    shown = json.dumps(posted["blocks"])
    assert "Words we use &gt; Prices" in shown and "Never call them cheap: it suggests low quality." in shown
    assert "You asked" not in shown, "in the thread, the question sits right above"
    record = store.by_key(slack.services.db, "answer:thread-1")
    assert record is not None and record.covered and record.asker == STAFF and record.reply_to == THREAD
    assert record.model == slack.services.llm.model and record.total_ms >= record.llm_ms
    [actions] = [block for block in posted["blocks"] if block["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (blocks.HELPFUL, str(record.id)),
        (blocks.NOT_RIGHT, str(record.id)),
    ]
    assert len([body for body in slack.fake.requests if "response_format" in body]) == 1, "answered once"
    assert not slack.standin.posts_to("CAPPROVALS"), "no approver sees a question"


def test_a_quoted_passage_arrives_word_for_word_and_inert(settings: Settings) -> None:
    """The model's answer unusable, the guidelines' line is quoted: whatever markup the passage
    holds (a ping, a disguised link, *bold*) is shown as written, in the blocks and the
    notification text alike."""
    with answering(settings, HOSTILE_GUIDE, {"covered": True, "citations": [1], "answer": "awesome " * 4}) as slack:
        put(slack, "answer:thread-hostile", "How do we announce releases?", THREAD)
        slack.run_answers()
        [posted] = slack.standin.posts_to("CGENERAL", THREAD["thread_ts"])
        record = store.by_key(slack.services.db, "answer:thread-hostile")
    assert record is not None and record.reason == "ungrounded", "the fallback, not the model's words"
    assert INJECTION in record.answer and "*bold*" in record.answer
    assert injected(posted) == [], "no ping and no disguised link, in the blocks or the text"
    assert record.answer in literal_text(posted["blocks"]), "the passage word for word"
    assert not any("*bold*" in text for text in parsed_texts(posted["blocks"])), "nothing of it read as mrkdwn"
    assert posted["text"] == mrkdwn_escape(record.answer), "the notification text escaped like the rest"


def test_helpful_and_not_right_keep_one_verdict_per_person(slack: Slack) -> None:
    put(slack, "answer:thread-2", "can I say cheap about our prices?", THREAD)
    slack.run_answers()
    record = store.by_key(slack.services.db, "answer:thread-2")
    assert record is not None
    click(slack.app, slack.standin, COLLEAGUE, blocks.HELPFUL, str(record.id))
    click(slack.app, slack.standin, STAFF, blocks.HELPFUL, str(record.id))
    click(slack.app, slack.standin, COLLEAGUE, blocks.NOT_RIGHT, str(record.id))
    slack.standin.wait_for(lambda: len(slack.standin.of("response_url")) == 3, what="three replies")
    assert store.verdicts(slack.services.db, record.id) == {COLLEAGUE: "not_right", STAFF: "helpful"}
    told = [call.args["text"] for call in slack.standin.of("response_url")]
    assert sum("recorded as helpful" in text for text in told) == 2 and any("not right" in text for text in told)
    audited = [e.detail["verdict"] for e in entries(slack.services.db) if e.action == "answer.feedback"]
    assert sorted(audited) == ["helpful", "helpful", "not_right"]


def test_a_question_the_guidelines_do_not_cover_is_forwarded_to_the_admins_once(slack: Slack) -> None:
    put(slack, "answer:thread-3", "how do I connect to the VPN from home?", THREAD)
    slack.run_answers()
    [posted] = slack.standin.posts_to("CGENERAL", THREAD["thread_ts"])
    assert "don't cover this" in posted["text"]
    assert slack.fake.requests == [], "nothing close enough: the model was not asked"
    record = store.by_key(slack.services.db, "answer:thread-3")
    assert record is not None and not record.covered and record.reason == "nothing_relevant"
    click(slack.app, slack.standin, COLLEAGUE, blocks.FORWARD, str(record.id))
    slack.standin.wait_for(lambda: slack.standin.of("response_url"), what="the refusal")
    assert "Only the person who asked" in slack.standin.of("response_url")[0].args["text"]
    for _ in range(2):
        click(slack.app, slack.standin, STAFF, blocks.FORWARD, str(record.id))
    slack.standin.wait_for(lambda: len(slack.standin.of("response_url")) == 3, what="two replies")
    assert "Forwarded to the brandbot admins" in slack.standin.of("response_url")[-1].args["text"]
    slack.run_answers()
    [forwarded] = slack.standin.posts_to(ADMIN)
    assert "VPN from home" in json.dumps(forwarded["blocks"]) and f"<@{STAFF}>" in json.dumps(forwarded["blocks"])
    assert [e.actor for e in entries(slack.services.db) if e.action == "answer.forwarded"] == [STAFF, STAFF]


def test_brandbot_ask_queues_the_question_and_answers_in_a_dm(slack: Slack) -> None:
    acked = command(slack.app, STAFF, "ask   can I say cheap about our prices?")
    assert acked["text"] == messages.ASKED
    row = slack.services.work.by_key(stored_key(f"answer:command:t-ask:{STAFF}"))
    assert row is not None and row.payload == {
        "user": STAFF,
        "question": "can I say cheap about our prices?",
        "reply_to": {"dm_user": STAFF},
    }
    slack.run_answers()
    [posted] = slack.standin.posts_to(f"D{STAFF}")
    assert posted["text"] == ANSWER and "You asked: _can I say cheap about our prices?_" in json.dumps(posted["blocks"])


def test_brandbot_ask_without_a_question_says_how_and_queues_nothing(slack: Slack) -> None:
    assert command(slack.app, STAFF, "ask")["text"] == messages.EMPTY_QUESTION
    assert slack.services.work.claim([WorkKind.answer]) is None


def test_an_empty_question_gets_how_to_ask_and_no_answer(slack: Slack) -> None:
    put(slack, "answer:thread-empty", "  \n ", THREAD)
    slack.run_answers()
    [posted] = slack.standin.posts_to("CGENERAL", THREAD["thread_ts"])
    assert posted["text"] == messages.EMPTY_QUESTION
    assert store.by_key(slack.services.db, "answer:thread-empty") is None and slack.fake.requests == []


def test_a_question_in_a_dm_is_read_as_one_and_answered_in_its_thread(slack: Slack) -> None:
    """Intake (its keyword reading: no intent model configured) queues the "answer" row; the
    answer lands in the DM's thread, and no draft is started."""
    body = {"type": "message", "channel_type": "im", "channel": "DSTAFF01", "user": STAFF, "ts": "1700000001.000100"}
    body["text"] = "Can I say cheap when I talk about our prices?"
    assert dispatch(slack.app, event(body, "EvASK0001"), form=False).status == 200
    while (row := slack.services.work.claim([WorkKind.intake])) is not None:
        run_one(slack.services.work, row, intake.handler(slack.deps))
    slack.run_answers()
    thread = slack.standin.posts_to("DSTAFF01", "1700000001.000100")
    assert [post["text"] for post in thread if post["text"] == ANSWER], [post["text"] for post in thread]
    assert slack.services.requests.list_requests() == [] and not slack.standin.posts_to("CAPPROVALS")
