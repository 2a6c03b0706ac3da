"""Deliveries whose body is no Slack payload, correctly signed, through the public listener as
`brandbot serve` runs it (waitress, real HTTP): answered 400, never 500, and the listener goes on
answering what Slack really sends."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
import waitress

from brandbot.config import Settings
from brandbot.slack.server import EVENTS_PATH, public_wsgi
from tests.support.bolt_app import SECRET, bolt_app
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import sign

JSON, FORM = "application/json", "application/x-www-form-urlencoded"
MALFORMED = [
    ("not JSON", JSON, "this is not json"),
    ("cut short", JSON, '{"type": "event_callback", "event": {"type": "app_mention"'),
    ("a JSON array", JSON, '[{"type": "event_callback"}]'),
    ("a JSON string", JSON, '"event_callback"'),
    ("JSON null", JSON, "null"),
    ("fields of the wrong type", JSON, '{"type": "event_callback", "authorizations": [1], "team": 5}'),
    ("a form payload that is an array", FORM, urllib.parse.urlencode({"payload": "[1, 2]"})),
    ("a form payload that is not JSON", FORM, urllib.parse.urlencode({"payload": "{nope"})),
]


@pytest.fixture
def listener(settings: Settings) -> Iterator[str]:
    with bolt_app(settings, FakeLLM()) as (app, _, _standin):
        # poll(), as `brandbot serve` does: deep into a test run, descriptors pass select()'s 1024.
        server = waitress.create_server(public_wsgi(app), host="127.0.0.1", port=0, threads=2, asyncore_use_poll=True)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}"  # type: ignore[union-attr]
        finally:
            server.close()


def post(url: str, body: str, content_type: str, secret: str = SECRET) -> httpx.Response:
    return httpx.post(url, content=body, headers={"Content-Type": content_type, **sign(secret, body)}, timeout=30)


def test_a_signed_body_that_is_no_slack_payload_is_answered_400(listener: str) -> None:
    answered = {what: post(listener, body, content_type).status_code for what, content_type, body in MALFORMED}
    assert answered == {what: 400 for what, _, _ in MALFORMED}
    challenge = json.dumps({"type": "url_verification", "challenge": "still-here", "token": "legacy"})
    response = post(listener, challenge, JSON)
    assert (response.status_code, response.json()) == (200, {"challenge": "still-here"})
    assert post(listener, challenge, JSON, secret="not-the-secret").status_code == 401
