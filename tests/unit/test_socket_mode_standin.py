"""The Socket Mode stand-in, driven by slack_sdk's own client (the one `brandbot serve` runs): the
token it wants, the acknowledgements it checks, and the move to a new connection on `disconnect`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from tests.support.socket_mode import APP_TOKEN, SocketModeStandIn, socket_mode_slack

BOT_TOKEN = "xoxb-socket-mode-standin"
Listener = Callable[[BaseSocketModeClient, SocketModeRequest], None]
MENTION = {"type": "app_mention", "user": "UALICE001", "text": "<@UBOT000001> hi", "channel": "C1", "ts": "1.1"}
HELP = {"command": "/brandbot", "text": "help", "user_id": "UALICE001", "channel_id": "C1", "trigger_id": "t1"}


@pytest.fixture
def slack() -> Iterator[SocketModeStandIn]:
    with socket_mode_slack(BOT_TOKEN) as socket_mode:
        yield socket_mode


def connect(slack: SocketModeStandIn, listener: Listener, token: str = APP_TOKEN) -> SocketModeClient:
    client = SocketModeClient(token, web_client=WebClient(BOT_TOKEN, base_url=slack.web_api.api_url))
    client.socket_mode_request_listeners.append(listener)
    client.connect()
    return client


def acks_with_text(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
    answer = {"text": f"got {request.payload.get('text')}"} if request.type == "slash_commands" else None
    client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=answer))


def test_only_the_app_level_token_opens_a_connection(slack: SocketModeStandIn) -> None:
    for token, error in (("xapp-1-A0000APP01-1-wrong", "invalid_auth"), (BOT_TOKEN, "not_allowed_token_type")):
        with pytest.raises(SlackApiError) as refused:
            WebClient(token, base_url=slack.web_api.api_url).apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error
    url = WebClient(base_url=slack.web_api.api_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and "ticket=" in url
    plain = url.replace("ws://", "http://")
    assert httpx.get(plain.replace("ticket=", "ticket=forged"), headers={"Upgrade": "websocket"}).status_code == 401


def test_acknowledgements_are_recorded_and_a_command_answer_read_from_them(slack: SocketModeStandIn) -> None:
    client = connect(slack, acks_with_text)
    try:
        mention = slack.event(MENTION, "Ev00000001")
        command = slack.command(HELP)
        assert slack.ack(mention) == {"envelope_id": mention}
        assert slack.response(command) == {"text": "got help"}
        slack.assert_all_acknowledged()
    finally:
        client.close()


def test_an_envelope_left_unacknowledged_or_acknowledged_twice_fails_the_check(slack: SocketModeStandIn) -> None:
    def every_other(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        if request.payload.get("text") != "silent":
            acks_with_text(client, request)
        if request.payload.get("text") == "twice":
            acks_with_text(client, request)

    client = connect(slack, every_other)
    try:
        silent = slack.command({**HELP, "text": "silent"})
        slack.command({**HELP, "text": "twice"})
        with pytest.raises(AssertionError, match=r"not acknowledged within 0\.5 s"):
            slack.ack(silent, within=0.5)
        with pytest.raises(AssertionError) as wrong:
            slack.assert_all_acknowledged(within=0.5)
        assert f"{silent}: acknowledged 0 times" in str(wrong.value) and "acknowledged 2 times" in str(wrong.value)
    finally:
        client.close()


def test_disconnect_moves_the_client_to_a_new_connection_that_keeps_working(slack: SocketModeStandIn) -> None:
    client = connect(slack, acks_with_text)
    try:
        first = slack.wait_connected()
        slack.disconnect()
        second = slack.wait_connected(connections=2)
        assert second is not first and slack.issued == 2, "apps.connections.open called again"
        assert slack.response(slack.command(HELP)) == {"text": "got help"}
        slack.assert_all_acknowledged()
    finally:
        client.close()
