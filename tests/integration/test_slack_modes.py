"""The main Slack scenarios in both ways Slack reaches the app, with the same assertions: HTTP
(signed requests to `brandbot serve --port`) and Socket Mode (`brandbot serve` with SLACK_APP_TOKEN,
envelopes over the WebSocket that apps.connections.open hands out, each to be acknowledged once
within 3 s). Only the delivery differs; drafts come from the real local vLLM."""

from __future__ import annotations

import itertools
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.server import EVENTS_PATH
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli
from tests.support.bot_process import internal_url, start_deployment, stop
from tests.support.slack_standin import APP_ID, TEAM, StandIn, deliver, event, interaction
from tests.support.socket_mode import APP_TOKEN, SocketModeStandIn

SECRET = "signing-secret-for-modes"
TOKEN = "xoxb-modes-test-token"
APPROVALS, GENERAL = "CAPPROVALS", "CGENERAL01"
ALICE, BOB, CAROL = "UALICE001", "UBOB00001", "UCAROL001"
REQUEST = "a short X post announcing Tidewell Restore for our customers"
_ids = itertools.count(1)


class Delivery(Protocol):
    """How Slack hands the app an event, a slash command or an interaction, and what it answers."""

    def event(self, body: dict[str, Any], event_id: str) -> None: ...

    def command(self, payload: dict[str, Any]) -> dict[str, Any]: ...

    def interactive(self, payload: dict[str, Any]) -> None: ...


@dataclass
class Http:
    url: str

    def event(self, body: dict[str, Any], event_id: str) -> None:
        assert self._post(event(body, event_id)).status_code == 200

    def command(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Slack posts a JSON answer as the message, and plain text as its text."""
        response = self._post(payload, form=True)
        assert response.status_code == 200
        if response.headers.get("content-type", "").startswith("application/json"):
            return dict(response.json())
        return {"text": response.text} if response.text else {}

    def interactive(self, payload: dict[str, Any]) -> None:
        assert self._post(interaction(payload), form=True).status_code == 200

    def _post(self, payload: dict[str, Any], form: bool = False) -> httpx.Response:
        return deliver(f"{self.url}{EVENTS_PATH}", SECRET, payload, form=form)


@dataclass
class SocketMode:
    slack: SocketModeStandIn

    def event(self, body: dict[str, Any], event_id: str) -> None:
        self.slack.ack(self.slack.event(body, event_id))

    def command(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.slack.response(self.slack.command(payload))

    def interactive(self, payload: dict[str, Any]) -> None:
        self.slack.ack(self.slack.interactive(payload))


@dataclass
class Bot:
    mode: str
    delivery: Delivery
    web_api: StandIn
    services: Services
    process: Any
    socket_mode: SocketModeStandIn | None = None

    def tagged(self, text: str) -> str:
        """Requests carry their mode, so each mode's cards and threads are told apart."""
        return f"{text} ({self.mode})"

    def posts(self, channel: str, thread_ts: str | None = None) -> str:
        return json.dumps(self.web_api.posts_to(channel, thread_ts))


DOCUMENTS = [str(GUIDELINES / name) for name in ("voice-and-tone.md", "product-names-and-terminology.md")]
"""Enough to draft from; adding them is the slow part."""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]) -> Path:
    """The guideline documents added once on the embedded default; HTTP mode starts from a copy."""
    data_dir = tmp_path_factory.mktemp("modes") / "prepared"
    env = settings_env(make_settings(data_dir, llm_base_url=local_llm[0], llm_model=local_llm[1]))
    cli.run(env, "guidelines", "add", *DOCUMENTS)
    return data_dir


@pytest.fixture(scope="module", params=["http", "socket-mode"])
def bot(request: pytest.FixtureRequest, prepared: Path, local_llm: tuple[str, str]) -> Iterator[Bot]:
    """HTTP mode on the embedded default; Socket Mode on the deployed shape, as a team without a
    public address runs it: PostgreSQL, a Chroma server, `serve --no-workers` beside `brandbot work`."""
    mode: str = request.param
    data_dir = prepared.with_name(mode)
    with ExitStack() as stack:
        storage: dict[str, str] = {}
        if mode == "socket-mode":
            storage = stack.enter_context(request.getfixturevalue("deployed_storage").fresh())
        else:
            shutil.copytree(prepared, data_dir)
        settings = make_settings(data_dir, llm_base_url=local_llm[0], llm_model=local_llm[1], **storage)
        if storage:
            cli.run(settings_env(settings), "guidelines", "add", *DOCUMENTS)
        yield from _running(mode, settings, data_dir)


def _running(mode: str, settings: Settings, data_dir: Path) -> Iterator[Bot]:
    web_api = StandIn(TOKEN)
    web_api.start()
    socket_mode = SocketModeStandIn(web_api).start() if mode == "socket-mode" else None
    env = settings_env(settings) | {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": web_api.api_url,
        "BRANDBOT_APPROVAL_CHANNEL": APPROVALS,
        "BRANDBOT_APPROVERS": f"{BOB},{CAROL}",
    }
    env |= {"SLACK_APP_TOKEN": APP_TOKEN} if socket_mode else {"SLACK_SIGNING_SECRET": SECRET}
    logs, processes, url = start_deployment(env, data_dir, split=socket_mode is not None)
    process = processes[0]
    delivery: Delivery = Http(url)
    if socket_mode is not None:
        socket_mode.wait_connected(timeout=60)
        delivery = SocketMode(socket_mode)
    services = Services(settings)
    try:
        yield Bot(mode, delivery, web_api, services, process, socket_mode)
    finally:
        services.close()
        for running in processes:
            stop(running)
        if socket_mode is not None:
            socket_mode.stop()
        web_api.stop()
    for running, log in zip(processes, logs, strict=True):
        written = log.read_text()
        assert TOKEN not in written and APP_TOKEN not in written, "no token reaches the log"
        assert running.returncode == 0 and '"stopped"' in written, f"SIGTERM stops it cleanly:\n{written[-3000:]}"
    if socket_mode is not None:
        socket_mode.assert_all_acknowledged()


def click(bot: Bot, user: str, action_id: str, value: str, card_ts: str) -> None:
    bot.delivery.interactive(
        {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": APP_ID,
            "trigger_id": f"trigger-{time.monotonic_ns()}",
            "container": {"type": "message", "message_ts": card_ts, "channel_id": APPROVALS},
            "channel": {"id": APPROVALS, "name": "approvals"},
            "message": {"ts": card_ts, "text": "card"},
            "response_url": f"{bot.web_api.url}/response/{time.monotonic_ns()}",
            "actions": [{"action_id": action_id, "value": value, "type": "button", "block_id": "b"}],
        }
    )


def test_a_mention_is_drafted_to_a_card_and_the_approval_reaches_the_requester(bot: Bot) -> None:
    request = bot.tagged(REQUEST)
    ts = f"{1_700_000_000 + next(_ids)}.000100"
    mention = {"type": "app_mention", "user": ALICE, "text": f"<@UBOT000001> {request}", "channel": GENERAL, "ts": ts}
    bot.delivery.event(mention, f"Ev{next(_ids):08d}")

    def card() -> tuple[str, str] | None:
        for call in bot.web_api.of("chat.postMessage"):
            if call.args.get("channel") == APPROVALS and f"({bot.mode})" in json.dumps(call.args.get("blocks")):
                actions = next(block for block in call.args["blocks"] if block["type"] == "actions")
                return call.args["_ts"], actions["elements"][0]["value"]
        return None

    card_ts, draft_id = bot.web_api.wait_for(card, what="the approval card")
    bot.web_api.wait_for(lambda: "waiting for an approver" in bot.posts(GENERAL, ts), what="the requester told")

    click(bot, BOB, "draft_approve", draft_id, card_ts)

    def card_updates() -> str:
        return json.dumps([call.args for call in bot.web_api.of("chat.update") if call.args.get("ts") == card_ts])

    bot.web_api.wait_for(lambda: f"Approved by <@{BOB}>" in card_updates(), what="the card closed")
    final = bot.web_api.wait_for(
        lambda: "ready to copy" in bot.posts(GENERAL, ts) and bot.web_api.posts_to(GENERAL, ts), what="the final text"
    )
    draft = bot.services.requests.get_draft(draft_id)
    assert draft is not None and draft.status == "approved"
    assert any(message.get("text") == draft.text for message in final), "the final text alone, ready to copy"


def test_help_is_answered_in_the_acknowledgement(bot: Bot) -> None:
    command = {"command": "/brandbot", "text": "help", "user_id": ALICE, "channel_id": GENERAL, "team_id": TEAM}
    answer = bot.delivery.command({**command, "trigger_id": f"t-{bot.mode}", "response_url": f"{bot.web_api.url}/r"})
    assert "on-brand draft" in answer["text"]


def test_app_home_opens_with_the_persons_requests_and_review_queue(bot: Bot) -> None:
    earlier = len(bot.web_api.of("views.publish"))
    opened = {"type": "app_home_opened", "user": CAROL, "channel": "DCAROL01", "tab": "home"}
    bot.delivery.event(opened, f"Ev{next(_ids):08d}")
    published = bot.web_api.wait_for(
        lambda: [c for c in bot.web_api.of("views.publish")[earlier:] if c.args["user_id"] == CAROL],
        what="App Home published",
    )
    view = json.dumps(published[-1].args["view"])
    assert "Your requests" in view and "Nothing yet" in view and "Awaiting your review" in view


@pytest.mark.parametrize("bot", ["socket-mode"], indirect=True)
def test_socket_mode_moves_to_a_new_connection_when_slack_asks_and_keeps_answering(bot: Bot) -> None:
    assert bot.socket_mode is not None
    opened = bot.socket_mode.issued
    connections = len(bot.socket_mode.links)
    bot.socket_mode.disconnect()
    bot.socket_mode.wait_connected(connections=connections + 1)
    assert bot.socket_mode.issued == opened + 1, "apps.connections.open called again for the new URL"
    test_help_is_answered_in_the_acknowledgement(bot)
    ready = httpx.get(f"{internal_url(bot.process)}/readyz", timeout=30).json()
    assert ready["slack"] is True, ready
