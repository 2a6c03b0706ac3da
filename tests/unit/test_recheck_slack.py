"""Re-checks in Slack, through Bolt's real request handling and the Slack stand-in: after a rule
change, the digest reaches the approval channel through the outbox, App Home shows approvers and
admins what is still to revise, and Request revision starts one new request from the approved
text (once, however often it is clicked)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import select, text

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.slack.app import web_client
from brandbot.slack.blocks import rechecks as blocks
from brandbot.slack.listeners.actions.recheck_revision import NOT_ALLOWED
from brandbot.slack.notices import Courier
from brandbot.store.models import Request
from brandbot.store.outbox import Notice
from brandbot.workers import run_one
from tests.support.bolt_app import ADMIN, APPROVER, bolt_app, click, open_home
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM
from tests.support.slack_standin import StandIn

pytestmark = pytest.mark.both_configurations

STAFF = "UALICE01"
GUIDE = b"# Voice\n\n## Tone\n\nBe calm and plain with customers."
CHEAP = "Tidewell Backup is cheap to run."
HEADER = "Approved texts that no longer hold"


REFUSE_FINDING_UPDATES = {
    "sqlite": [
        "CREATE TABLE gone (id INTEGER)",
        "CREATE TRIGGER findings_refused BEFORE UPDATE ON recheck_findings BEGIN INSERT INTO gone VALUES (1); END",
        "DROP TABLE gone",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
        "CREATE TRIGGER findings_refused BEFORE UPDATE ON recheck_findings FOR EACH ROW EXECUTE FUNCTION refuse()",
    ],
}
DROP_REFUSAL = {
    "sqlite": "DROP TRIGGER findings_refused",
    "postgresql": "DROP TRIGGER findings_refused ON recheck_findings",
}


@dataclass(frozen=True)
class Slack:
    app: App
    services: Services
    standin: StandIn
    cheap: str
    """The approved request whose text the new rule flags."""


@pytest.fixture
def slack(settings: Settings, tmp_path: Path) -> Iterator[Slack]:
    """Two approved texts, then a rule that flags one of them, and the re-check it queued, run."""
    fake = FakeLLM()
    with bolt_app(settings.model_copy(update={"draft_examples": 0}), fake) as (app, services, standin):
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], ADMIN)
        approved = []
        for text in (CHEAP, "Tidewell Sync keeps files close."):
            fake.drafts = [text]
            outcome = services.engine.ask(STAFF, f"An X post: {text}")
            assert outcome.draft is not None
            decide(services.engine, outcome.draft.id, APPROVER, "approve")
            approved.append(outcome.draft.request_id)
        style = tmp_path / "styles"
        (style / "Brand").mkdir(parents=True)
        (style / "Brand" / "Cheap.yml").write_text(
            "extends: substitution\nmessage: Use '%s', not '%s'.\nlevel: error\nswap:\n  cheap: affordable\n"
        )
        (style / "config.yml").write_text("styles: [Brand]\n")
        library.add(services.settings, services.db, style, actor=ADMIN)
        row = services.work.claim(["recheck"])
        assert row is not None, "the rule change queued its re-check"
        run_one(services.work, row, services.rechecker.handler(services.work.still_held))
        yield Slack(app, services, standin, approved[0])


def deliver_outbox(services: Services) -> None:
    handlers = Courier(services, web_client(services.settings)).handlers()
    while (row := services.outbox.claim(list(Notice))) is not None:
        run_one(services.outbox, row, handlers[row.kind])


def test_the_digest_reaches_the_approval_channel_once(slack: Slack) -> None:
    deliver_outbox(slack.services)
    deliver_outbox(slack.services)
    [digest] = [m for m in slack.standin.posts_to("CAPPROVALS") if "no longer hold" in m["text"]]
    assert digest["text"].startswith("1 approved text(s) no longer hold after a brand rules change (2 re-checked)")
    shown = json.dumps(digest["blocks"])
    assert "Brand.Cheap" in shown and "Use 'affordable', not 'cheap'." in shown
    [button] = [e for b in digest["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == blocks.REQUEST_REVISION
    assert blocks.parse_revision_value(button["value"])[1] == slack.cheap


def test_app_home_shows_approvers_and_admins_what_is_still_to_revise(slack: Slack) -> None:
    for user in (APPROVER, ADMIN):
        view = json.dumps(open_home(slack.app, slack.standin, user))
        assert f"{HEADER} (1)" in view and "Brand.Cheap" in view and slack.cheap in view
    assert HEADER not in json.dumps(open_home(slack.app, slack.standin, STAFF))


def test_request_revision_starts_one_request_and_clears_app_home(slack: Slack) -> None:
    services, standin = slack.services, slack.standin
    recheck = services.rechecker.store.latest_open()
    assert recheck is not None
    value = blocks.revision_value(recheck.id, slack.cheap)
    click(slack.app, standin, APPROVER, blocks.REQUEST_REVISION, value)
    told = standin.wait_for(lambda: [c.args["text"] for c in standin.of("chat.postEphemeral")], what="the reply")
    assert "Revision of" in told[0] and f"`{slack.cheap}`" in told[0]
    with services.db.read() as session:
        [revision] = session.scalars(select(Request).where(Request.requester == APPROVER)).all()
    assert CHEAP in revision.text and "rule Brand.Cheap now flags 'cheap'" in revision.text
    assert revision.reply_to == {"dm_user": APPROVER}
    [finding] = services.rechecker.store.findings(recheck.id)
    assert finding.revision_request_id == revision.id

    click(slack.app, standin, ADMIN, blocks.REQUEST_REVISION, value)
    standin.wait_for(lambda: len(standin.of("chat.postEphemeral")) == 2, what="the second reply")
    assert "already requested" in standin.of("chat.postEphemeral")[1].args["text"]
    with services.db.read() as session:
        assert len(session.scalars(select(Request).where(Request.origin != "import")).all()) == 3
    assert HEADER not in json.dumps(open_home(slack.app, standin, APPROVER))


def test_a_stale_or_forged_button_changes_nothing(slack: Slack) -> None:
    recheck = slack.services.rechecker.store.latest_open()
    assert recheck is not None
    click(slack.app, slack.standin, APPROVER, blocks.REQUEST_REVISION, blocks.revision_value(recheck.id, "r-nope"))
    told = slack.standin.wait_for(lambda: [c.args["text"] for c in slack.standin.of("chat.postEphemeral")])
    assert told == ["There is no re-check finding for r-nope."]
    assert slack.services.rechecker.store.findings(recheck.id, open_only=True)


def ephemerals(standin: StandIn, count: int) -> list[str]:
    standin.wait_for(lambda: len(standin.of("chat.postEphemeral")) >= count, timeout=20, what=f"{count} replies")
    return [call.args["text"] for call in standin.of("chat.postEphemeral")]


def test_request_revision_is_refused_to_staff(slack: Slack) -> None:
    recheck = slack.services.rechecker.store.latest_open()
    assert recheck is not None
    before = slack.services.requests.list_requests()
    click(slack.app, slack.standin, STAFF, blocks.REQUEST_REVISION, blocks.revision_value(recheck.id, slack.cheap))
    assert ephemerals(slack.standin, 1) == [NOT_ALLOWED]
    assert len(slack.services.requests.list_requests()) == len(before) == 2
    assert slack.services.rechecker.store.findings(recheck.id, open_only=True)


def test_a_revision_request_is_written_with_its_finding_mark_or_not_at_all(slack: Slack) -> None:
    """Marking the finding fails: no request is left behind, so the next click starts the one
    revision and marks it."""
    services, standin = slack.services, slack.standin
    recheck = services.rechecker.store.latest_open()
    assert recheck is not None
    value = blocks.revision_value(recheck.id, slack.cheap)
    with services.db.session() as session:  # the update fails: a trigger refuses it
        for statement in REFUSE_FINDING_UPDATES[session.get_bind().dialect.name]:
            session.execute(text(statement))
    click(slack.app, standin, APPROVER, blocks.REQUEST_REVISION, value)
    assert "Something went wrong on my side" in ephemerals(standin, 1)[0]
    with services.db.read() as session:
        assert session.scalars(select(Request).where(Request.requester == APPROVER)).all() == []

    with services.db.session() as session:
        session.execute(text(DROP_REFUSAL[session.get_bind().dialect.name]))
    click(slack.app, standin, APPROVER, blocks.REQUEST_REVISION, value)
    assert "Revision of" in ephemerals(standin, 2)[1]
    with services.db.read() as session:
        [revision] = session.scalars(select(Request).where(Request.requester == APPROVER)).all()
    [finding] = services.rechecker.store.findings(recheck.id)
    assert finding.revision_request_id == revision.id
