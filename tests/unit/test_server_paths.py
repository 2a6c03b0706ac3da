"""Which paths each listener answers: the public one (what the proxy forwards) has Slack's path
and /healthz only; /readyz and /metrics are on the internal one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from pydantic import SecretStr
from slack_bolt import App

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.app import build_app
from brandbot.slack.server import EVENTS_PATH, WsgiApp, internal_wsgi, public_wsgi, socket_mode_handler
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import StandIn
from tests.support.socket_mode import APP_TOKEN, SocketModeStandIn


def get(application: WsgiApp, path: str, method: str = "GET") -> tuple[str, bytes]:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    answered: list[str] = []
    body = b"".join(application(environ, lambda status, headers: answered.append(status)))
    return answered[0], body


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services(settings, llm=FakeLLM().client(settings))
    yield built
    built.close()


def test_the_public_listener_answers_404_for_readyz_and_metrics() -> None:
    public = public_wsgi(App(signing_secret="unused", token="xoxb-unused", token_verification_enabled=False))
    assert get(public, "/healthz")[0] == "200 OK"
    for path in ("/metrics", "/readyz", "/", "/slack/interactive"):
        assert get(public, path)[0].startswith("404"), path
    assert get(public, EVENTS_PATH, "POST")[0].startswith("401"), "Slack's path goes to Bolt, which checks signatures"


def test_the_internal_listener_serves_health_and_metrics(services: Services) -> None:
    internal = internal_wsgi(services)
    assert get(internal, "/healthz") == ("200 OK", b"ok\n")
    status, metrics = get(internal, "/metrics")
    assert status == "200 OK" and b"brandbot_requests_total" in metrics
    assert get(internal, EVENTS_PATH, "POST")[0].startswith("404"), "no Slack on the internal port"


def test_readiness_in_socket_mode_says_whether_the_connection_to_slack_is_open(settings: Settings) -> None:
    web_api = StandIn("xoxb-readiness")
    web_api.start()
    slack = SocketModeStandIn(web_api).start()
    configured = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-readiness"),
            "slack_api_url": web_api.api_url,
            "approval_channel": "CAPPROVALS",
        }
    )
    services = Services(configured)  # its LLM at a closed port: /readyz is 503 anyway, the slack key is what counts
    socket = socket_mode_handler(build_app(services, socket_mode=True)[0], APP_TOKEN, 2)
    internal = internal_wsgi(services, socket)
    try:
        status, body = get(internal, "/readyz")
        assert status.startswith("503") and json.loads(body)["slack"] is False
        socket.connect()
        slack.wait_connected()
        assert json.loads(get(internal, "/readyz")[1])["slack"] is True
    finally:
        socket.close()
        services.close()
        slack.stop()
        web_api.stop()
