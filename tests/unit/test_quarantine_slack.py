"""Held guideline passages in Slack, through Bolt's real request handling: an admin's
`/brandbot quarantine` lists them exactly as written, Release and Discard decide; nobody else can."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import App, BoltRequest, BoltResponse

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.app import build_app
from brandbot.slack.blocks import messages
from tests.support.fake_llm import FakeLLM
from tests.support.poisoned_docs import ATTACKS, document
from tests.support.slack_markup import injected, literal_text
from tests.support.slack_standin import TEAM, StandIn, sign

SECRET = "quarantine-secret"


@pytest.fixture
def slack(settings: Settings) -> Iterator[tuple[App, Services, StandIn]]:
    standin = StandIn("xoxb-q")
    standin.start()
    configured = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-q"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": standin.api_url,
            "approval_channel": "CAPPROVALS",
            "admins": ["UADMIN01"],
        }
    )
    services = Services(configured, llm=FakeLLM().client(configured))
    name, data = document("md", ATTACKS[2])
    services.knowledge_base.add([services_source(name, data)], "UADMIN01")
    app, _ = build_app(services)
    yield app, services, standin
    services.close()
    standin.stop()


def services_source(name: str, data: bytes) -> Any:
    from brandbot.guidelines.knowledge_base import SourceFile

    return SourceFile(name, len(data), lambda: data)


def dispatch(app: App, form: dict[str, str]) -> BoltResponse:
    body = urllib.parse.urlencode(form)
    headers = {"content-type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    return app.dispatch(BoltRequest(body=body, headers=headers))


def command(app: App, user: str, text: str) -> dict[str, Any]:
    form = {"command": "/brandbot", "text": text, "user_id": user, "channel_id": "D1", "team_id": TEAM}
    response = dispatch(app, {**form, "trigger_id": "t", "response_url": "http://127.0.0.1:9/r"})
    assert response.status == 200
    return json.loads(response.body) if response.body.startswith("{") else {"text": response.body}


def click(app: App, standin: StandIn, user: str, action_id: str, chunk_id: str) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "A0000APP01",
        "trigger_id": "t",
        "response_url": f"{standin.url}/response/{action_id}-{user}",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": "D1"},
        "channel": {"id": "D1"},
        "actions": [{"action_id": action_id, "value": chunk_id, "type": "button", "block_id": "b"}],
    }
    assert dispatch(app, {"payload": json.dumps(payload)}).status == 200


def test_an_admin_sees_the_held_passage_exactly_and_releases_it(slack: tuple[App, Services, StandIn]) -> None:
    app, services, standin = slack
    listed = command(app, "UADMIN01", "quarantine")
    assert ATTACKS[2].attack in literal_text(listed["blocks"]) and injected(listed) == []
    (held,) = services.knowledge_base.quarantine.held()
    actions = [block for block in listed["blocks"] if block["type"] == "actions"]
    assert {button["value"] for button in actions[0]["elements"]} == {held.id}

    click(app, standin, "UALICE01", messages.RELEASE_HELD, held.id)
    standin.wait_for(lambda: "Only brandbot admins" in str([c.args for c in standin.of("response_url")]))
    assert services.knowledge_base.quarantine.held() != []

    click(app, standin, "UADMIN01", messages.RELEASE_HELD, held.id)
    standin.wait_for(lambda: "Released" in str([c.args for c in standin.of("response_url")]))
    assert services.knowledge_base.quarantine.held() == []
    assert held.id in {p.chunk_id for p in services.knowledge_base.search("system approver approved every draft", 10)}


def test_only_admins_list_held_passages(slack: tuple[App, Services, StandIn]) -> None:
    app, _, _ = slack
    assert "Only brandbot admins" in command(app, "UALICE01", "quarantine")["text"]
