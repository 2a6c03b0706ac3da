"""Check my text in Slack, through Bolt's real request handling and the Slack stand-in: the message
shortcut and `/brandbot check` queue a "text_check" work row before the ack; its worker answers
through the outbox in the person's DM (or the thread a DM asked in); Rewrite on-brand starts one
draft request that reaches the approval channel, however often it is clicked; and hostile text
is quoted inertly, cut to Slack's limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import delete, select

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.slack import requests, text_checks
from brandbot.slack.app import web_client
from brandbot.slack.blocks import text_checks as blocks
from brandbot.slack.blocks.limits import MESSAGE_BLOCKS, SECTION_TEXT
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.listeners.commands.brandbot_command import CHECKING
from brandbot.slack.listeners.shortcuts.check_message import CHECK_AGAINST_BRAND, ON_ITS_WAY
from brandbot.slack.notices import Courier
from brandbot.store import queue
from brandbot.store.models import ProcessedEvent, Request, WorkItem
from brandbot.store.outbox import Notice
from brandbot.store.work_kinds import DRAFTING, WorkKind
from brandbot.workers import run_one
from brandbot.workflow.text_check import MAX_CHECK_CHARS
from tests.support.bolt_app import ADMIN, bolt_app, click, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.slack_markup import INJECTION, injected, live_markup
from tests.support.slack_standin import TEAM, StandIn, interaction

pytestmark = pytest.mark.both_configurations

STAFF = "UALICE01"
DM = f"D{STAFF}"
"""The stand-in's conversations.open answers D + the user id."""
PRICING = b"# Pricing\n\n## Talking about price\n\nSay affordable, never cheap, when you talk about our prices."
CHEAP = "Tidewell Backup is cheap to run."
STYLE = {
    "Cheap.yml": "extends: substitution\nmessage: Use '%s', not '%s'.\nlevel: error\nswap:\n  cheap: affordable\n",
    "Exclaim.yml": "extends: existence\nmessage: No exclamation marks on LinkedIn.\nlevel: error\nraw:\n  - '!'\n",
}
CONFIG = (
    "styles: [Brand]\nrules: {Brand.Exclaim: 'off'}\n"
    "contexts:\n  - when: {format: linkedin_post}\n    rules: {Brand.Exclaim: error}\n"
)


@dataclass(frozen=True)
class Slack:
    app: App
    services: Services
    standin: StandIn
    deps: SlackDeps
    fake: FakeLLM


@pytest.fixture
def slack(settings: Settings, tmp_path: Path) -> Iterator[Slack]:
    fake = FakeLLM(drafts=["Tidewell Backup is affordable to run."])
    with bolt_app(settings.model_copy(update={"draft_examples": 0}), fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("pricing.md", len(PRICING), lambda: PRICING)], ADMIN)
        style = tmp_path / "styles"
        (style / "Brand").mkdir(parents=True)
        for name, rule in STYLE.items():
            (style / "Brand" / name).write_text(rule)
        (style / "config.yml").write_text(CONFIG)
        library.add(services.settings, services.db, style, actor=ADMIN)
        client = web_client(services.settings)
        yield Slack(app, services, standin, SlackDeps(services, Directory(services.settings, client), client), fake)


def shortcut(slack: Slack, text: str, trigger: str = "13345224609.738474920.8088930838d88f008e0") -> None:
    """A message shortcut as Slack posts it (`message_action`, form-encoded)."""
    payload = {
        "type": "message_action",
        "token": "legacy",
        "action_ts": "1700000000.000001",
        "team": {"id": TEAM, "domain": "tidewell"},
        "user": {"id": STAFF, "name": "alice", "team_id": TEAM},
        "channel": {"id": "CGENERAL1", "name": "general"},
        "is_enterprise_install": False,
        "callback_id": CHECK_AGAINST_BRAND,
        "trigger_id": trigger,
        "response_url": f"{slack.standin.url}/response/shortcut",
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": "UBOB0001", "ts": "1700000000.000100", "text": text},
    }
    assert dispatch(slack.app, interaction(payload), form=True).status == 200


def command(slack: Slack, text: str, trigger: str = "t1") -> str:
    form = {"command": "/brandbot", "text": text, "user_id": STAFF, "channel_id": "CGENERAL1", "team_id": TEAM}
    response = dispatch(
        slack.app, {**form, "trigger_id": trigger, "response_url": f"{slack.standin.url}/response/c"}, form=True
    )
    assert response.status == 200
    return str(json.loads(response.body)["text"]) if response.body.startswith("{") else response.body


def check_rows(services: Services) -> list[WorkItem]:
    with services.db.read() as session:
        return list(session.scalars(select(WorkItem).where(WorkItem.kind == WorkKind.text_check).order_by(WorkItem.id)))


def run_checks(slack: Slack) -> None:
    """What the "checks" pool does, then the outbox delivered."""
    while (row := slack.services.work.claim([WorkKind.text_check])) is not None:
        run_one(slack.services.work, row, text_checks.handler(slack.deps))
    deliver_outbox(slack)


def deliver_outbox(slack: Slack) -> None:
    handlers = Courier(slack.services, slack.deps.client).handlers()
    while (row := slack.services.outbox.claim(list(Notice))) is not None:
        run_one(slack.services.outbox, row, handlers[row.kind])


def answers(slack: Slack, channel: str = DM) -> list[dict[str, Any]]:
    return [post for post in slack.standin.posts_to(channel) if post["text"].startswith("Brand check:")]


def ephemerals(standin: StandIn) -> list[str]:
    return [str(call.args["text"]) for call in standin.of("chat.postEphemeral")]


def told(standin: StandIn, count: int) -> str:
    """The `count`th private note to the person, once it came."""
    return str(standin.wait_for(lambda: ephemerals(standin)[count - 1 : count], what=f"note {count}")[0])


def rewrite_button(answer: dict[str, Any]) -> dict[str, Any]:
    [button] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == blocks.REWRITE
    return button


def test_the_shortcut_queues_a_check_and_the_answer_comes_in_a_dm(slack: Slack) -> None:
    shortcut(slack, f"{CHEAP} &amp; more")
    [row] = check_rows(slack.services)
    assert row.payload == {"user": STAFF, "text": f"{CHEAP} & more", "reply_to": {"dm_user": STAFF}}
    slack.standin.wait_for(lambda: ephemerals(slack.standin), what="the note in the channel")
    assert ephemerals(slack.standin) == [ON_ITS_WAY]
    shortcut(slack, CHEAP)  # Slack's retry of the same interaction: the same trigger id
    assert len(check_rows(slack.services)) == 1

    run_checks(slack)
    run_checks(slack)
    [answer] = answers(slack)
    assert answer["text"] == "Brand check: 1 error, 0 warnings and 0 suggestions."
    shown = json.dumps(answer["blocks"])
    assert "*Brand.Cheap*: Use 'affordable', not 'cheap'." in shown
    assert "found \\u201ccheap\\u201d \\u2192 \\u201caffordable\\u201d" in shown
    assert "Not on-brand yet" in shown and ":x: *Errors*" in shown
    assert "> Say affordable, never cheap" in shown
    assert ":bookmark: Pricing &gt; Talking about price (pricing.md, version" in shown
    assert rewrite_button(answer)["value"] == row.key


def test_brandbot_check_answers_in_the_dm_with_the_format_named(slack: Slack) -> None:
    assert command(slack, "check linkedin_post: Big news &amp; more!") == CHECKING
    run_checks(slack)
    [answer] = answers(slack)
    shown = json.dumps(answer["blocks"])
    assert "Checked as a LinkedIn post" in shown and "*Brand.Exclaim*" in shown
    assert "Big news &amp; more!" in shown  # quoted as typed, escaped once for mrkdwn

    assert command(slack, "check Calm words, plain prices.", trigger="t2") == CHECKING
    run_checks(slack)
    clean = answers(slack)[-1]
    assert clean["text"] == "Brand check: 0 errors, 0 warnings and 0 suggestions."
    assert "On-brand as far as the brand rules go" in json.dumps(clean["blocks"])
    assert "rules for any format" in json.dumps(clean["blocks"])


def test_with_no_rules_installed_the_answer_says_so_and_how_to_install_them(settings: Settings) -> None:
    with bolt_app(settings, FakeLLM()) as (app, services, standin):
        client = web_client(services.settings)
        bare = Slack(
            app, services, standin, SlackDeps(services, Directory(services.settings, client), client), FakeLLM()
        )
        assert command(bare, "check Calm words, plain prices.") == CHECKING
        run_checks(bare)
        [answer] = answers(bare)
        assert answer["text"] == "Brand check: no brand rules are installed, so nothing was checked."
        shown = json.dumps(answer["blocks"])
        assert "*No brand rules are installed*" in shown and "`brandbot rules add`" in shown
        assert "On-brand" not in shown


def test_bad_input_is_refused_in_the_ack_and_queues_nothing(slack: Slack) -> None:
    assert "There is no text to check." in command(slack, "check")
    assert "There is no text to check." in command(slack, "check   x_post:  ", trigger="t2")
    too_long = command(slack, "check " + "a" * (MAX_CHECK_CHARS + 1), trigger="t3")
    assert f"{MAX_CHECK_CHARS + 1:,} characters long" in too_long
    shortcut(slack, "", trigger="t4")
    slack.standin.wait_for(lambda: ephemerals(slack.standin), what="the refusal")
    assert "There is no text to check." in ephemerals(slack.standin)[0]
    assert check_rows(slack.services) == []


def test_a_text_check_row_from_a_dm_is_answered_in_its_thread(slack: Slack) -> None:
    payload = {"user": STAFF, "text": f"x_post: {CHEAP}", "reply_to": {"channel": DM, "thread_ts": "1700.0001"}}
    with slack.services.db.session() as session:
        queue.put(session, WorkItem, WorkKind.text_check, "text_check:dm:Ev01", payload)
    run_checks(slack)
    [answer] = answers(slack)
    assert answer["thread_ts"] == "1700.0001"
    shown = json.dumps(answer["blocks"])
    assert "Checked as an X post" in shown and "*Brand.Cheap*" in shown
    assert slack.standin.of("conversations.open") == []


def test_rewrite_on_brand_starts_one_request_that_reaches_approval(slack: Slack) -> None:
    services, standin = slack.services, slack.standin
    shortcut(slack, CHEAP)
    assert told(standin, 1) == ON_ITS_WAY
    run_checks(slack)
    value = rewrite_button(answers(slack)[0])["value"]

    click(slack.app, standin, STAFF, blocks.REWRITE, value)
    with services.db.read() as session:
        [request] = session.scalars(select(Request)).all()
    assert request.requester == STAFF and request.reply_to == {"dm_user": STAFF}
    assert request.text.startswith("Rewrite this text on-brand")
    assert "- Brand.Cheap: Use 'affordable', not 'cheap'. (found: \"cheap\")" in request.text
    assert request.text.endswith(f"Text:\n{CHEAP}")

    click(slack.app, standin, STAFF, blocks.REWRITE, value)
    assert told(standin, 2) == f":information_source: This text's rewrite was already requested as `{request.id}`."
    with services.db.session() as session:  # Slack's retry window is long past: the keys are pruned
        session.execute(delete(ProcessedEvent))
    click(slack.app, standin, STAFF, blocks.REWRITE, value)
    assert "already requested" in told(standin, 3)
    click(slack.app, standin, ADMIN, blocks.REWRITE, value)
    assert "Only the person who asked for this check" in told(standin, 4)
    with services.db.read() as session:
        assert len(session.scalars(select(Request)).all()) == 1

    deliver_outbox(slack)
    assert [p["text"] for p in standin.posts_to("D1")] == [
        f":pencil2: Rewrite requested as `{request.id}`: I'll draft it in our DM and send it for approval."
    ]
    row = services.work.claim(list(DRAFTING))
    assert row is not None and row.request_id == request.id
    run_one(services.work, row, requests.handler(slack.deps))
    deliver_outbox(slack)
    [card] = [m for m in standin.posts_to("CAPPROVALS") if "blocks" in m]
    assert "Tidewell Backup is affordable to run." in json.dumps(card["blocks"])
    assert "Rewrite this text on-brand" in json.dumps(slack.fake.draft_calls[0])


def test_a_forged_or_expired_rewrite_changes_nothing(slack: Slack) -> None:
    click(slack.app, slack.standin, STAFF, blocks.REWRITE, "text_check:shortcut:nope")
    told = slack.standin.wait_for(lambda: ephemerals(slack.standin))
    assert told == ["That check is no longer kept; run it again to have the text rewritten."]
    with slack.services.db.read() as session:
        assert session.scalars(select(Request)).all() == []


def test_hostile_text_is_quoted_inertly_and_cut_to_slack_limits(slack: Slack) -> None:
    hostile = f"{INJECTION} is cheap & *bold* `code`\n" + ("cheap <!here> & " * 700)
    assert len(hostile) < MAX_CHECK_CHARS
    shortcut(slack, hostile)
    run_checks(slack)
    [answer] = answers(slack)
    assert injected(answer["blocks"]) == [] and live_markup(answer["text"]) == []
    assert len(answer["blocks"]) <= MESSAGE_BLOCKS
    for block in answer["blocks"]:
        for text in [block.get("text") or {}, *block.get("elements", [])]:
            assert len(str(text.get("text", ""))) <= SECTION_TEXT
    shown = json.dumps(answer["blocks"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "and 681 more" in shown  # 701 hits of Brand.Cheap: 20 listed, the rest counted
    assert answer["text"] == "Brand check: 701 errors, 0 warnings and 0 suggestions."
