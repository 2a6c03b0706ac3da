"""Rule proposals in Slack, through Bolt's real request handling on a history made through the
real workflow: an admin's `/brandbot proposals` lists what reviewers kept changing with its
back-test, Adopt publishes the rule and Dismiss drops it for good; anyone else is refused and
changes nothing. What the list quotes is inert."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import proposals as learned
from brandbot.rulebook.backtest import BackTest, Example
from brandbot.rulebook.learning import Change, Evidence, Kind, Via
from brandbot.services import Services
from brandbot.slack.blocks import proposals
from brandbot.store import rule_versions
from brandbot.store.proposals import ProposalState
from tests.support.bolt_app import ADMIN, APPROVER, bolt_app, click, dispatch
from tests.support.fake_llm import FakeLLM
from tests.support.reviewer_history import KEPT, ReviewerHistory, record
from tests.support.slack_markup import INJECTION, injected, literal_text
from tests.support.slack_standin import TEAM, StandIn

pytestmark = pytest.mark.both_configurations

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."
STAFF = "UALICE01"
LEARNED = "Tidewell.LearnedCheapToAffordable"


@dataclass(frozen=True)
class Slack:
    app: App
    services: Services
    standin: StandIn
    history: ReviewerHistory


@pytest.fixture
def slack(settings: Settings, tmp_path: Path) -> Iterator[Slack]:
    """The history is recorded first, by its two reviewers, as `brandbot review` would; the app
    then proposes what two reviewers made."""
    fake = FakeLLM()
    configured = settings.model_copy(update={"draft_examples": 0, "rule_proposal_min_evidence": 2})
    reviewing = Services(configured, llm=fake.client(configured))
    try:
        reviewing.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ADMIN)
        made = record(reviewing, fake, tmp_path / "styles")
    finally:
        reviewing.close()
    with bolt_app(configured, fake) as (app, services, standin):
        yield Slack(app, services, standin, made)


def command(app: App, standin: StandIn, user: str) -> str:
    form = {"command": "/brandbot", "text": "proposals", "user_id": user, "channel_id": "D1", "team_id": TEAM}
    response = dispatch(
        app, {**form, "trigger_id": "t", "response_url": f"{standin.url}/response/command-{user}"}, form=True
    )
    assert response.status == 200
    body = response.body
    return str(json.loads(body)["text"]) if body.startswith("{") else body


def responses(standin: StandIn) -> list[dict[str, Any]]:
    return [call.args for call in standin.of("response_url")]


def answered(standin: StandIn, words: str) -> dict[str, Any]:
    """The first response whose text holds `words`, once it came."""
    return standin.wait_for(  # type: ignore[no-any-return]
        lambda: next((args for args in responses(standin) if words in str(args.get("text"))), None), what=words
    )


def test_an_admin_lists_the_proposal_and_adopts_it_and_nobody_else_can(slack: Slack) -> None:
    app, services, standin = slack.app, slack.services, slack.standin
    assert "Only brandbot admins" in command(app, standin, STAFF)
    assert "Looking through reviewers' edits" in command(app, standin, ADMIN)
    listed = answered(standin, "Rule proposals")
    assert [args.get("text") for args in responses(standin)] == ["Rule proposals"], "nothing for the staff member"
    text = json.dumps(listed["blocks"])
    assert "Replace `cheap` with `affordable`" in text
    assert "2 reviewers made this change in 3 edits and 1 change request." in text
    assert "would have fired on 1 of 6 approved texts and 5 of 7 drafts" in text
    assert f"approved {slack.history.kept_request}: {KEPT}" in literal_text(listed["blocks"])
    [actions] = [block for block in listed["blocks"] if block["type"] == "actions"]
    [proposal] = learned.waiting(services.db)
    assert [(button["action_id"], button["value"]) for button in actions["elements"]] == [
        (proposals.ADOPT, str(proposal.id)),
        (proposals.DISMISS, str(proposal.id)),
    ]

    version = rule_versions.current_id(services.db)
    click(app, standin, APPROVER, proposals.ADOPT, str(proposal.id))
    answered(standin, "Only brandbot admins can adopt")
    assert rule_versions.current_id(services.db) == version
    assert learned.waiting(services.db) == [proposal]

    click(app, standin, ADMIN, proposals.ADOPT, str(proposal.id))
    done = answered(standin, "Adopted as")
    assert done["replace_original"] is True and f"`{LEARNED}`" in json.dumps(done["blocks"][0])
    assert proposals.NOTHING in json.dumps(done["blocks"])
    assert [alert.check for alert in services.rules().run("A cheap plan.").alerts] == [LEARNED]
    assert learned.waiting(services.db) == []

    click(app, standin, ADMIN, proposals.DISMISS, str(proposal.id))
    assert f"already adopted by {ADMIN}" in answered(standin, "already adopted")["text"]


def test_an_admin_dismisses_it_for_good(slack: Slack) -> None:
    app, services, standin = slack.app, slack.services, slack.standin
    [proposal] = learned.refresh(services.settings, services.db, services.rules())
    version = rule_versions.current_id(services.db)
    click(app, standin, ADMIN, proposals.DISMISS, str(proposal.id))
    assert proposals.NOTHING in json.dumps(answered(standin, "Dismissed")["blocks"])
    assert learned.refresh(services.settings, services.db, services.rules()) == []
    assert rule_versions.current_id(services.db) == version


def test_what_the_list_quotes_is_inert() -> None:
    hostile = learned.Proposal(
        7,
        Change(Kind.substitution, "cheap", "affordable"),
        (Evidence(1, "req_1", "d_1", "UBOB0001", Via.edit),),
        BackTest(1, 1, 0, 0, (Example("req_1", True, f"{INJECTION} cheap"),)),
        ProposalState.proposed,
        None,
        None,
        None,
    )
    blocks = proposals.proposal_list([hostile])
    assert injected(blocks) == []
    assert f"{INJECTION} cheap" in literal_text(blocks)


def test_a_long_list_fits_in_one_message() -> None:
    many = [
        learned.Proposal(
            number,
            Change(Kind.existence, f"word{number}"),
            (Evidence(number, "req_1", "d_1", "UBOB0001", Via.edit),),
            BackTest(0, 1, 1, 1, (Example("d_1", False, f"word{number}"),)),
            ProposalState.proposed,
            None,
            None,
            None,
        )
        for number in range(1, 13)
    ]
    blocks = proposals.proposal_list(many, note="Dismissed.")
    assert len(blocks) <= 50
    assert sum(block["type"] == "actions" for block in blocks) == proposals.SHOWN
    assert "…and 2 more: `brandbot rules proposals`" in json.dumps(blocks, ensure_ascii=False)
