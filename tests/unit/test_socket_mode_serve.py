"""`brandbot serve` in Socket Mode refuses a token that cannot open a connection with a message that
says which token and what to do, instead of a traceback from slack_sdk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.app import SlackNotConfigured
from brandbot.slack.server import serve
from tests.support.fake_llm import FakeLLM
from tests.support.servers import free_port
from tests.support.socket_mode import SocketModeStandIn, socket_mode_slack

BOT_TOKEN = "xoxb-socket-mode-serve"


@pytest.fixture
def slack() -> Iterator[SocketModeStandIn]:
    with socket_mode_slack(BOT_TOKEN) as socket_mode:
        yield socket_mode


def serve_with(settings: Settings, slack: SocketModeStandIn, app_token: str) -> None:
    configured = settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_app_token": SecretStr(app_token),
            "slack_api_url": slack.web_api.api_url,
            "approval_channel": "CAPPROVALS",
        }
    )
    services = Services(configured, llm=FakeLLM().client(configured))
    try:
        serve(services, host="127.0.0.1", port=free_port(), internal_host="127.0.0.1", internal_port=free_port())
    finally:
        services.close()


def test_a_bot_token_given_as_the_app_token_is_named_before_any_connection(
    settings: Settings, slack: SocketModeStandIn
) -> None:
    with pytest.raises(SlackNotConfigured, match=r"SLACK_APP_TOKEN must be the app-level token \(xapp-"):
        serve_with(settings, slack, BOT_TOKEN)
    assert slack.web_api.of("apps.connections.open") == []


def test_an_app_token_slack_refuses_says_why(settings: Settings, slack: SocketModeStandIn) -> None:
    with pytest.raises(SlackNotConfigured, match=r"Slack refused SLACK_APP_TOKEN \(invalid_auth\)"):
        serve_with(settings, slack, "xapp-1-A0000APP01-1-revoked")
    assert slack.links == [], "no connection opened"
