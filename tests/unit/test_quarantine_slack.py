"""Held guideline passages in Slack, through Bolt's real request handling: an admin's
`/brandbot quarantine` lists them exactly as written, Release and Discard decide; nobody else can."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks import messages
from tests.support.bolt_app import ADMIN, bolt_app, click, dispatch
from tests.support.poisoned_docs import ATTACKS, document
from tests.support.slack_markup import injected, literal_text
from tests.support.slack_standin import APP_ID, TEAM, StandIn

pytestmark = pytest.mark.both_configurations


@pytest.fixture
def slack(settings: Settings) -> Iterator[tuple[App, Services, StandIn]]:
    with bolt_app(settings) as (app, services, standin):
        name, data = document("md", ATTACKS[2])
        services.knowledge_base.add([SourceFile(name, len(data), lambda: data)], ADMIN)
        yield app, services, standin


def command(app: App, user: str, text: str) -> dict[str, Any]:
    form = {"command": "/brandbot", "text": text, "user_id": user, "channel_id": "D1", "team_id": TEAM}
    response = dispatch(app, {**form, "trigger_id": "t", "response_url": "http://127.0.0.1:9/r"}, form=True)
    assert response.status == 200
    return json.loads(response.body) if response.body.startswith("{") else {"text": response.body}


def test_an_admin_sees_the_held_passage_exactly_and_releases_it(slack: tuple[App, Services, StandIn]) -> None:
    app, services, standin = slack
    listed = command(app, ADMIN, "quarantine")
    assert ATTACKS[2].attack in literal_text(listed["blocks"]) and injected(listed) == []
    (held,) = services.knowledge_base.quarantine.held()
    actions = [block for block in listed["blocks"] if block["type"] == "actions"]
    assert {button["value"] for button in actions[0]["elements"]} == {held.id}

    click(app, standin, "UALICE01", messages.RELEASE_HELD, held.id)
    standin.wait_for(lambda: "Only brandbot admins" in str([c.args for c in standin.of("response_url")]))
    assert services.knowledge_base.quarantine.held() != []

    click(app, standin, ADMIN, messages.RELEASE_HELD, held.id)
    standin.wait_for(lambda: "Released" in str([c.args for c in standin.of("response_url")]))
    assert services.knowledge_base.quarantine.held() == []
    assert held.id in {p.chunk_id for p in services.knowledge_base.search("system approver approved every draft", 10)}


def test_only_admins_list_held_passages(slack: tuple[App, Services, StandIn]) -> None:
    app, _, _ = slack
    assert "Only brandbot admins" in command(app, "UALICE01", "quarantine")["text"]


def test_a_click_with_no_message_to_answer_is_answered_in_a_dm(slack: tuple[App, Services, StandIn]) -> None:
    """A click from a view (App Home) comes without a response_url: the clicker still hears why
    nothing happened, or what did."""
    app, services, standin = slack
    (held,) = services.knowledge_base.quarantine.held()

    def click_in_home(user: str) -> None:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": APP_ID,
            "trigger_id": "t",
            "container": {"type": "view", "view_id": "VHOME0001"},
            "view": {"id": "VHOME0001", "type": "home", "blocks": []},
            "actions": [{"action_id": messages.RELEASE_HELD, "value": held.id, "type": "button", "block_id": "b"}],
        }
        assert dispatch(app, {"payload": json.dumps(payload)}, form=True).status == 200

    def told(user: str, words: str) -> bool:
        return any(
            words in str(call.args.get("text"))
            for call in standin.of("chat.postMessage")
            if user in call.args["channel"]
        )

    click_in_home("UALICE01")
    standin.wait_for(lambda: told("UALICE01", "Only brandbot admins"), timeout=20, what="the refusal in a DM")
    assert services.knowledge_base.quarantine.held() != []
    click_in_home(ADMIN)
    standin.wait_for(lambda: told(ADMIN, "Released"), timeout=20, what="the release in a DM")
    assert services.knowledge_base.quarantine.held() == []
