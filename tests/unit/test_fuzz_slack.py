"""Every Slack payload handler under generated payloads (hypothesis): events, the slash command,
button clicks and modal submissions, signed as Slack signs them and dispatched through Bolt's real
request handling. Whatever the payload (missing fields, hostile text, unknown ids), the answer is
never a 500, and nothing the bot then posts (the ack path's replies, the outbox's deliveries)
carries a live mention or link that came from the payload."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt import App
from slack_sdk import WebClient

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.blocks import approval, messages, modals
from brandbot.slack.notices import Courier
from tests.support.bolt_app import bolt_app, dispatch
from tests.support.slack_markup import injected
from tests.support.slack_standin import TEAM, StandIn, event
from tests.unit.test_fuzz_text import SLACKISH
from tests.unit.test_notices import deliver_all

USERS = st.sampled_from(["UALICE01", "UBOB0001", "UADMIN01", "U0EVIL", "", "W0000002"])
CHANNELS = st.sampled_from(["CGENERAL", "D0000001", "CAPPROVALS", ""])
TEXT = st.one_of(SLACKISH, st.text(max_size=300))
IDS = st.one_of(st.sampled_from(["d_missing", "req_missing", ""]), TEXT)


def _maybe(fields: dict[str, Any], drop: list[bool]) -> dict[str, Any]:
    """Some fields left out, as a malformed or future payload would."""
    return {key: value for (key, value), dropped in zip(fields.items(), drop, strict=False) if not dropped}


@st.composite
def events(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    user, channel, text = draw(USERS), draw(CHANNELS), draw(TEXT)
    ts = f"{draw(st.integers(1_700_000_000, 1_800_000_000))}.000100"
    kind = draw(st.sampled_from(["app_mention", "message", "file_share", "app_home_opened", "unknown"]))
    body: dict[str, Any] = {"type": kind, "user": user, "channel": channel, "ts": ts, "text": text}
    if kind == "app_mention":
        body["text"] = f"<@UBOT000001> {text}"
    if kind in ("message", "file_share"):
        body |= {"type": "message", "channel_type": draw(st.sampled_from(["im", "channel"]))}
    if kind == "file_share":
        name = draw(st.sampled_from(["guide.md", "rules.yml", "x.zip", "a.PDF"]) | TEXT)
        url = draw(st.sampled_from(["https://files.slack.com/f/1", "http://evil.example/f", ""]) | TEXT)
        size = draw(st.one_of(st.none(), st.integers(-1, 10**9)))
        body |= {"subtype": "file_share", "files": [{"id": "F1", "name": name, "url_private": url, "size": size}]}
    if kind == "app_home_opened":
        body["tab"] = "home"
    body = _maybe(body, draw(st.lists(st.booleans(), max_size=len(body))))
    return "json", event(body, f"Ev{draw(st.integers(0, 10**9))}")


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    fields = {
        "command": "/brandbot",
        "text": draw(st.sampled_from(["help", "guidelines", "quarantine", ""]) | TEXT),
        "user_id": draw(USERS),
        "channel_id": draw(CHANNELS),
        "team_id": TEAM,
        "trigger_id": "trigger-1",
        "response_url": "http://127.0.0.1:9/response",
    }
    return "form", _maybe(fields, draw(st.lists(st.booleans(), max_size=len(fields))))


@st.composite
def interactions(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    user = {"id": draw(USERS), "team_id": TEAM}
    if draw(st.booleans()):
        action_id = draw(
            st.sampled_from(
                [
                    *approval.DECISION_ACTIONS,
                    approval.RECEIPT,
                    messages.RETRY,
                    messages.REMOVE_GUIDELINE,
                    messages.RELEASE_HELD,
                    messages.DISCARD_HELD,
                    "unknown",
                ]
            )
        )
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": user,
            "api_app_id": "A0000APP01",
            "trigger_id": "trigger-1",
            "container": {"type": "message", "message_ts": "1.0", "channel_id": draw(CHANNELS)},
            "channel": {"id": draw(CHANNELS)},
            "actions": [{"action_id": action_id, "value": draw(IDS), "type": "button", "block_id": "b"}],
        }
    else:
        callback = draw(st.sampled_from([modals.CHANGES_MODAL, modals.REJECT_MODAL, modals.EDIT_MODAL, "unknown"]))
        values = draw(st.dictionaries(st.sampled_from(["part_0", "feedback", "reason", "x"]), TEXT, max_size=3))
        state = {block: {modals.VALUE: {"type": "plain_text_input", "value": value}} for block, value in values.items()}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": user,
            "api_app_id": "A0000APP01",
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback,
                "private_metadata": draw(IDS),
                "state": {"values": state},
            },
        }
    return "form", {"payload": json.dumps(payload)}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Services, StandIn]]:
    base = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("fuzz"), llm_base_url="http://127.0.0.1:9/v1")  # type: ignore[call-arg]
    with bolt_app(base) as built:
        yield built


@given(st.one_of(events(), commands(), interactions()))
def test_any_payload_is_answered_without_a_500_and_nothing_live_goes_out(
    bot: tuple[App, Services, StandIn], generated: tuple[str, dict[str, Any]]
) -> None:
    app, services, standin = bot
    encoding, payload = generated
    before = len(standin.calls)
    response = dispatch(app, payload, form=encoding == "form")
    assert response.status < 500, response.body
    deliver_all(services, Courier(services, WebClient(token="xoxb-fuzz", base_url=standin.api_url)))
    assert [(call.method, injected(call.args)) for call in standin.calls[before:] if injected(call.args)] == []
