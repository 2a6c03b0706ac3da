"""The bot's Bolt app in-process, wired to the Slack stand-in, for driving its listeners with
signed requests through Bolt's real request handling (no HTTP server, no workers started)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr
from slack_bolt import App, BoltRequest, BoltResponse

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.app import build_app
from tests.support import slack_ids
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import APP_ID, ENTERPRISE, TEAM, StandIn, event, sign

SECRET = "in-process-signing-secret"
ADMIN, APPROVER = "U07ADMIN001", "U07APPROVR1"


@contextmanager
def bolt_app(
    settings: Settings, llm: FakeLLM | None = None, *, real_llm: bool = False
) -> Iterator[tuple[App, Services, StandIn]]:
    """(app, services, stand-in): an approval channel, one admin, one approver, a scripted LLM
    (`llm`, to script it yourself), or with `real_llm` the one `settings` name."""
    standin = StandIn("xoxb-in-process")
    standin.start()
    configured = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-in-process"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": standin.api_url,
            "approval_channel": "CAPPROVALS",
            "approvers": [APPROVER],
            "admins": [ADMIN],
        }
    )
    services = Services(configured) if real_llm else Services(configured, llm=(llm or FakeLLM()).client(configured))
    try:
        app, _ = build_app(services)
        yield app, services, standin
    finally:
        services.close()
        standin.stop()


def dispatch(app: App, payload: dict[str, Any], *, form: bool) -> BoltResponse:
    """Signed as Slack signs: JSON for events, form-encoded for commands and interactions."""
    body = urllib.parse.urlencode(payload) if form else json.dumps(payload)
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    return app.dispatch(BoltRequest(body=body, headers={"content-type": content_type, **sign(SECRET, body)}))


def click(app: App, standin: StandIn, user: str, action_id: str, value: str) -> None:
    """A button click as Slack posts it, from a message in a DM, answered through `response_url`."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "enterprise_id": ENTERPRISE},
        "enterprise": {"id": ENTERPRISE},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": APP_ID,
        "trigger_id": slack_ids.trigger(),
        "response_url": f"{standin.url}/response/{action_id}-{user}",
        "container": {"type": "message", "message_ts": slack_ids.ts(), "channel_id": "D1"},
        "channel": {"id": "D1"},
        "actions": [{"action_id": action_id, "value": value, "type": "button", "block_id": "b"}],
    }
    assert dispatch(app, {"payload": json.dumps(payload)}, form=True).status == 200


def open_home(app: App, standin: StandIn, user: str) -> dict[str, Any]:
    """The view App Home shows `user` once the lazy listener has published it (the last publish)."""
    earlier = len(standin.of("views.publish"))
    payload = event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}, slack_ids.event())
    assert dispatch(app, payload, form=False).status == 200
    standin.wait_for(lambda: [c for c in standin.of("views.publish")[earlier:] if c.args["user_id"] == user])
    published = [call for call in standin.of("views.publish")[earlier:] if call.args["user_id"] == user]
    return published[-1].args["view"]
