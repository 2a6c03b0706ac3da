"""Slack's assistant panel through Bolt's real request handling and the Slack stand-in: events
as Slack sends them, signed; the greeting, prompts, title, context and status line as calls
the stand-in records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from slack_bolt import App
from sqlalchemy import select

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks import assistant as blocks
from brandbot.slack.blocks.answers import NOT_RIGHT
from brandbot.store.models import Request
from brandbot.store.status import DraftStatus
from tests.support.bolt_app import ADMIN, bolt_app, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import TEAM, StandIn, event
from tests.support.slack_work import run_answers, run_work

pytestmark = pytest.mark.both_configurations

ALICE = "UALICE01"
DM = "DALICE01"
THREAD = "1800000900.000100"
VIEWING, LATER = "CLAUNCH01", "CSUPPORT1"
GUIDE = b"# Voice\n\n## Tone\n\nBe calm and plain with customers. Name Tidewell Backup in full."


@pytest.fixture
def slack(settings: Settings, tmp_path: Path) -> Iterator[tuple[App, Services, StandIn]]:
    with bolt_app(settings, FakeLLM()) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ADMIN)
        yield app, services, standin


def assistant_thread(kind: str, channel: str, event_id: str) -> dict[str, Any]:
    body = {
        "type": kind,
        "assistant_thread": {
            "user_id": ALICE,
            "context": {"channel_id": channel, "team_id": TEAM, "enterprise_id": None},
            "channel_id": DM,
            "thread_ts": THREAD,
        },
        "event_ts": "1800000900.000200",
    }
    return event(body, event_id)


def message(text: str, ts: str, event_id: str, thread_ts: str | None = THREAD) -> dict[str, Any]:
    body = {"type": "message", "user": ALICE, "text": text, "ts": ts, "channel": DM, "channel_type": "im"}
    if thread_ts:
        body |= {"thread_ts": thread_ts, "parent_user_id": "UBOT000001"}
    return event(body, event_id)


def requests_of(services: Services) -> list[Request]:
    with services.db.read() as session:
        return list(session.scalars(select(Request).where(Request.requester == ALICE).order_by(Request.created_at)))


def received(entry: str) -> float:
    """Messages recorded for intake, by where they came from."""
    return REGISTRY.get_sample_value("brandbot_requests_total", {"entry": entry, "outcome": "received"}) or 0.0


def start(app: App, standin: StandIn) -> dict[str, Any]:
    """A thread opened while viewing VIEWING; the greeting, once posted."""
    assert dispatch(app, assistant_thread("assistant_thread_started", VIEWING, "EvStart"), form=False).status == 200
    standin.wait_for(lambda: standin.of("assistant.threads.setSuggestedPrompts"), what="the suggested prompts")
    [greeting] = standin.wait_for(lambda: standin.posts_to(DM, THREAD), what="the greeting")
    return greeting


def test_a_new_thread_gets_a_greeting_the_three_prompts_and_keeps_the_viewed_channel(slack: Any) -> None:
    app, _, standin = slack
    greeting = start(app, standin)
    assert "on-brand drafts" in greeting["text"]
    metadata = json.loads(greeting["metadata"]) if isinstance(greeting["metadata"], str) else greeting["metadata"]
    assert metadata == {
        "event_type": "assistant_thread_context",
        "event_payload": {"channel_id": VIEWING, "team_id": TEAM, "enterprise_id": None},
    }
    [prompts] = standin.of("assistant.threads.setSuggestedPrompts")
    assert (prompts.args["channel_id"], prompts.args["thread_ts"]) == (DM, THREAD)
    titles = [prompt["title"] for prompt in prompts.args["prompts"]]
    assert titles == ["Draft a LinkedIn post", "Check my text", "Ask about our guidelines"]
    assert all(prompt["message"].strip() for prompt in prompts.args["prompts"])


def test_a_message_in_the_thread_is_one_request_titled_with_the_viewed_channel_and_a_status_line(slack: Any) -> None:
    app, services, standin = slack
    start(app, standin)
    assert (
        dispatch(app, assistant_thread("assistant_thread_context_changed", LATER, "EvMove"), form=False).status == 200
    )
    standin.wait_for(lambda: standin.of("chat.update"), what="the context saved on the greeting")
    dm_before, assistant_before = received("dm"), received("assistant")

    text = "A *short* X post about <#C123|launch> Tidewell Backup for customers"
    assert dispatch(app, message(text, "1800000901.000100", "EvAsk"), form=False).status == 200
    [title] = standin.wait_for(lambda: standin.of("assistant.threads.setTitle"), what="the title")
    assert (title.args["channel_id"], title.args["thread_ts"]) == (DM, THREAD)
    assert title.args["title"] == "A short X post about #launch Tidewell Backup for customers"
    assert (received("assistant"), received("dm")) == (assistant_before + 1, dm_before), "handled once, not as a DM too"

    assert run_work(services) == 2, "its intake row, then its draft"
    [request] = requests_of(services)
    assert request.reply_to is not None
    assert (request.reply_to["channel"], request.reply_to["thread_ts"]) == (DM, THREAD)
    assert request.reply_to["viewing_channel"] == LATER, "the channel viewed when the message came"
    statuses = [call.args for call in standin.of("assistant.threads.setStatus")]
    assert (statuses[0]["channel_id"], statuses[0]["thread_ts"], statuses[0]["status"]) == (
        DM,
        THREAD,
        "is drafting...",
    )
    assert statuses[-1]["status"] == ""
    assert any("waiting for an approver" in m["text"] for m in standin.posts_to(DM, THREAD))

    assert dispatch(app, message(text, "1800000901.000100", "EvAsk"), form=False).status == 200
    assert dispatch(app, message("And a blog post about it", "1800000902.000100", "EvAsk2"), form=False).status == 200
    run_work(services)
    assert len(requests_of(services)) == 1, "a retry is a no-op; a reply while the draft waits is a follow-up"
    titles = {call.args["title"] for call in standin.of("assistant.threads.setTitle")}
    assert titles == {title.args["title"]}, "a follow-up does not rename the thread"


def test_a_top_level_dm_is_a_request_as_before_and_touches_no_assistant_method(slack: Any) -> None:
    app, services, standin = slack
    dm_before = received("dm")
    ts = "1800000950.000100"
    assert dispatch(app, message("A short X post about Tidewell Backup", ts, "EvTop", None), form=False).status == 200
    assert received("dm") == dm_before + 1
    assert not [c for c in standin.calls if c.method.startswith("assistant.")]
    run_work(services)
    [request] = requests_of(services)
    assert {key: request.reply_to[key] for key in ("channel", "thread_ts")} == {"channel": DM, "thread_ts": ts}  # type: ignore[index]
    assert "viewing_channel" not in (request.reply_to or {})


def test_an_empty_message_in_the_thread_gets_the_usual_answer_and_no_title(slack: Any) -> None:
    app, services, standin = slack
    start(app, standin)
    assert dispatch(app, message("<@UBOT000001>  ", "1800000903.000100", "EvEmpty"), form=False).status == 200
    assert requests_of(services) == []
    run_work(services)
    assert any("What should I draft?" in m["text"] for m in standin.posts_to(DM, THREAD))
    assert not standin.of("assistant.threads.setTitle")


def test_a_question_in_the_thread_after_a_draft_is_answered_and_the_card_stays_open(slack: Any) -> None:
    app, services, standin = slack
    start(app, standin)
    asking = message("A short X post about Tidewell Backup", "1800000901.000100", "EvAsk")
    assert dispatch(app, asking, form=False).status == 200
    run_work(services)
    [request] = requests_of(services)
    [draft] = services.requests.drafts_for(request.id)
    assert draft.status == DraftStatus.pending

    prompt = next(p["message"] for p in blocks.SUGGESTED_PROMPTS if p["title"] == "Ask about our guidelines")
    question = message(f"{prompt}emoji in customer emails?", "1800000902.000100", "EvQuestion")
    assert dispatch(app, question, form=False).status == 200
    run_work(services)
    run_answers(services)

    assert services.requests.get_draft(draft.id).status == DraftStatus.pending  # type: ignore[union-attr]
    assert services.requests.decision_for(draft.id) is None, "no change requested by the requester"
    [card] = [m for m in standin.posts_to("CAPPROVALS") if draft.id in json.dumps(m["blocks"])]
    assert "draft_approve" in json.dumps(card["blocks"]), "the approver's card is still open"
    answered = [m for m in standin.posts_to(DM, THREAD) if NOT_RIGHT in json.dumps(m)]
    assert len(answered) == 1, "answered in the panel thread"
    assert len(requests_of(services)) == 1
