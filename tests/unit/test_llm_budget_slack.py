"""Hourly budgets in Slack, through Bolt's real request handling and the Slack stand-in: every
message to brandbot and every `/brandbot ask` is paid from the questions budget on the ack path,
drafts (new, follow-ups, retries) from the drafts budget; past either, the person is told in
Slack what was limited and when to ask again, and nothing is queued."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import select

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks import intake as intake_blocks
from brandbot.slack.blocks import messages
from brandbot.store.models import WorkItem
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.store.work_kinds import WorkKind
from tests.support.bolt_app import bolt_app, click, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import TEAM, StandIn, event
from tests.support.slack_work import run_work

pytestmark = pytest.mark.both_configurations

ALICE = "UALICE01"
DM, GENERAL = "DALICE01", "CGENERAL1"
GUIDE = b"# Voice\n\n## Words\n\nSay affordable, never cheap."
QUESTION = "Can I say cheap when I talk about our prices?"
QUESTIONS_SPENT = (
    r"You have sent me 2 messages in the last hour, the most one person can\. You can ask again in \d+ minute"
)
DRAFTS_SPENT = r"You have asked for 1 draft in the last hour, the most one person can.*You can ask again in \d+ minute"


@dataclass
class Slack:
    app: App
    services: Services
    standin: StandIn
    sent: int = 0

    def dm(self, text: str) -> str:
        self.sent += 1
        ts = f"{1_700_000_000 + self.sent}.000100"
        body = {"type": "message", "channel_type": "im", "channel": DM, "user": ALICE, "text": text, "ts": ts}
        assert dispatch(self.app, event(body, f"EvDM{self.sent:04d}"), form=False).status == 200
        return ts

    def mention(self, text: str) -> str:
        self.sent += 1
        ts = f"{1_700_000_000 + self.sent}.000100"
        body = {"type": "app_mention", "channel": GENERAL, "user": ALICE, "text": f"<@UBOT000001> {text}", "ts": ts}
        assert dispatch(self.app, event(body, f"EvAt{self.sent:04d}"), form=False).status == 200
        return ts

    def reply(self, thread_ts: str, text: str) -> None:
        self.sent += 1
        body = {"type": "message", "channel_type": "channel", "channel": GENERAL, "user": ALICE, "text": text}
        body |= {"ts": f"{1_700_000_000 + self.sent}.000200", "thread_ts": thread_ts}
        assert dispatch(self.app, event(body, f"EvRe{self.sent:04d}"), form=False).status == 200

    def command(self, text: str) -> str:
        self.sent += 1
        fields = {
            "command": "/brandbot",
            "text": text,
            "user_id": ALICE,
            "channel_id": GENERAL,
            "team_id": TEAM,
            "trigger_id": f"{1_700_000_000 + self.sent}.738474920.9f86d081884c7d659a2feaa0c55ad015",
            "response_url": f"{self.standin.url}/response/command",
        }
        response = dispatch(self.app, fields, form=True)
        assert response.status == 200
        return str(response.body)

    def rows(self, kind: str) -> list[WorkItem]:
        with self.services.db.read() as session:
            return list(session.scalars(select(WorkItem).where(WorkItem.kind == kind).order_by(WorkItem.id)))

    def thread(self, ts: str, channel: str = DM) -> list[str]:
        return [message["text"] for message in self.standin.posts_to(channel, ts)]

    def ephemeral(self) -> list[str]:
        self.standin.wait_for(lambda: self.standin.of("chat.postEphemeral"), timeout=10)
        return [call.args["text"] for call in self.standin.of("chat.postEphemeral")]


def slack_with(settings: Settings, fake: FakeLLM, **limits: int) -> Iterator[Slack]:
    configured = settings.model_copy(update={"draft_examples": 0, "intent_model": True, **limits})
    with bolt_app(configured, fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ALICE)
        yield Slack(app, services, standin)


@pytest.fixture
def slack(settings: Settings) -> Iterator[Slack]:
    fake = FakeLLM(structured={"message_intent": "unusable"}, drafts=["Tidewell Restore is here.", "Shorter."])
    yield from slack_with(settings, fake, max_questions_per_hour=2, max_drafts_per_hour=1)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_messages_past_the_questions_budget_are_told_why_and_leave_the_drafts_budget_whole(slack: Slack) -> None:
    asked = [slack.dm(QUESTION), slack.dm(f"{QUESTION} (again)")]
    refused = slack.dm(f"{QUESTION} (and again)")
    assert len(slack.rows(WorkKind.intake)) == 2, "the third message queued nothing"
    run_work(slack.services)
    [told] = slack.thread(refused)
    assert told.startswith(":warning:") and re.search(QUESTIONS_SPENT, told)
    assert len(slack.rows(WorkKind.answer)) == 2

    routed = [slack.standin.posts_to(DM, ts)[0] for ts in asked]
    click(slack.app, slack.standin, ALICE, intake_blocks.DRAFT_INSTEAD, buttons(routed[0])[intake_blocks.DRAFT_INSTEAD])
    assert len(slack.services.requests.list_requests()) == 1, "questions did not use the drafts budget"
    click(slack.app, slack.standin, ALICE, intake_blocks.DRAFT_INSTEAD, buttons(routed[1])[intake_blocks.DRAFT_INSTEAD])
    assert len(slack.services.requests.list_requests()) == 1
    [limited] = slack.ephemeral()
    assert re.search(DRAFTS_SPENT, limited)


def test_ask_past_the_questions_budget_is_refused_in_the_ack(slack: Slack) -> None:
    assert slack.command(f"ask {QUESTION}") == messages.ASKED
    assert slack.command(f"ask {QUESTION} (again)") == messages.ASKED
    refusal = slack.command(f"ask {QUESTION} (and again)")
    assert re.search(QUESTIONS_SPENT, refusal)
    assert len(slack.rows(WorkKind.answer)) == 2


def test_a_follow_up_past_the_drafts_budget_is_told_in_its_thread_and_the_card_stays(slack: Slack) -> None:
    asked = slack.mention("an X post about Tidewell Backup")
    run_work(slack.services)
    [request] = slack.services.requests.list_requests()
    [draft] = slack.services.requests.drafts_for(request.id)
    slack.reply(asked, "shorter, please")
    run_work(slack.services)
    assert re.search(DRAFTS_SPENT, slack.thread(asked, GENERAL)[-1])
    assert [d.status for d in slack.services.requests.drafts_for(request.id)] == [DraftStatus.pending]
    assert slack.services.requests.decision_for(draft.id) is None


def test_a_retry_past_the_drafts_budget_is_told_to_the_clicker(settings: Settings) -> None:
    fake = FakeLLM(structured={"message_intent": "unusable"}, down=True)
    for slack in slack_with(settings, fake, max_drafts_per_hour=1):
        asked = slack.mention("an X post about Tidewell Backup")
        run_work(slack.services)
        [request] = slack.services.requests.list_requests()
        assert request.status == RequestStatus.failed
        failed = next(m for m in slack.standin.posts_to(GENERAL, asked) if messages.RETRY in json.dumps(m))
        click(slack.app, slack.standin, ALICE, messages.RETRY, buttons(failed)[messages.RETRY])
        [limited] = slack.ephemeral()
        assert re.search(DRAFTS_SPENT, limited)
        assert slack.services.requests.get_request(request.id).status == RequestStatus.failed  # type: ignore[union-attr]
