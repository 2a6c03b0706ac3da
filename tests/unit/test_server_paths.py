"""Which paths each listener answers: the public one (what the proxy forwards) has Slack's path
and /healthz only; /readyz and /metrics are on the internal one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from slack_bolt import App

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.server import EVENTS_PATH, WsgiApp, internal_wsgi, public_wsgi
from tests.support.fake_llm import FakeLLM


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
