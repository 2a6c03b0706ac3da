"""The brand report in App Home, through Bolt's real request handling and the Slack stand-in:
approvers and admins see the headline figures and the chart (uploaded as Slack uploads files,
once, then reused for the hour); other staff see no report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from brandbot.config import Settings
from brandbot.reporting import figures
from brandbot.reporting.history import RequestHistory, Revision, RuleHit
from brandbot.services import Services
from brandbot.slack.app import web_client
from brandbot.slack.blocks import home
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.home_report import HomeReport, HourlyReport
from tests.support.bolt_app import ADMIN, APPROVER, bolt_app, open_home
from tests.support.brand_history import record
from tests.support.fake_llm import FakeLLM
from tests.support.slack_markup import INJECTION, injected
from tests.support.slack_standin import PNG, StandIn

STAFF = "UALICE01"
HEADER = "How the brand is doing (last 30 days)"


@pytest.fixture
def slack(settings: Settings, tmp_path: Path) -> Iterator[tuple[App, Services, StandIn]]:
    fake = FakeLLM()
    with bolt_app(settings.model_copy(update={"draft_examples": 0}), fake) as (app, services, standin):
        record(services, fake, tmp_path / "styles", approver=APPROVER)
        yield app, services, standin


def images(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in view["blocks"] if block["type"] == "image"]


def test_approvers_see_the_figures_and_the_uploaded_chart(slack: tuple[App, Services, StandIn]) -> None:
    app, _, standin = slack
    view = open_home(app, standin, APPROVER)
    text = json.dumps(view)
    assert HEADER in text
    assert "*Approval rate*\\n66.7% (2 of 3 decided)" in text and "*Requests*\\n3" in text
    assert "*Time to decision*\\nmedian 1.5 h, p90 4.0 h" in text
    assert "`Brand.Cheap` 2" in text
    [image] = images(view)
    [started] = standin.of("files.getUploadURLExternal")
    [uploaded] = standin.of("file.upload")
    [completed] = standin.of("files.completeUploadExternal")
    file_id = image["slack_file"]["id"]
    assert uploaded.args["file_id"] == file_id and json.loads(completed.args["files"])[0]["id"] == file_id
    assert int(started.args["length"]) == uploaded.args["size"] == standin.uploads[file_id].length
    assert (standin.uploads[file_id].data or b"").startswith(PNG) and "channel_id" not in completed.args
    assert standin.uploads[file_id].processed(standin.processing_s), "shown only once Slack had processed it"


def test_admins_see_it_too_and_the_chart_is_uploaded_once(slack: tuple[App, Services, StandIn]) -> None:
    app, _, standin = slack
    first = images(open_home(app, standin, APPROVER))
    again = images(open_home(app, standin, ADMIN))
    assert first == again and len(first) == 1
    assert len(standin.of("files.getUploadURLExternal")) == 1 and len(standin.of("file.upload")) == 1


def test_other_staff_see_no_report(slack: tuple[App, Services, StandIn]) -> None:
    app, _, standin = slack
    view = open_home(app, standin, STAFF)
    assert "Your requests" in json.dumps(view)
    assert HEADER not in json.dumps(view) and images(view) == []
    assert standin.of("files.getUploadURLExternal") == [], "nothing drawn or uploaded for them"


def test_a_chart_slack_refuses_leaves_the_figures(slack: tuple[App, Services, StandIn]) -> None:
    app, _, standin = slack
    assert images(open_home(app, standin, APPROVER))
    standin.uploads.clear()  # deleted in Slack meanwhile: an image block naming it is refused
    earlier = len(standin.of("views.publish"))
    open_home(app, standin, APPROVER)
    standin.wait_for(lambda: len(standin.of("views.publish")) >= earlier + 2, what="the publish without the chart")
    tried = standin.of("views.publish")[earlier:]
    assert [len(images(call.args["view"])) for call in tried] == [1, 0]
    shown = json.dumps(tried[-1].args["view"])
    assert HEADER in shown and "66.7% (2 of 3 decided)" in shown


def test_the_chart_is_made_again_after_an_hour_and_the_old_one_deleted(
    slack: tuple[App, Services, StandIn],
) -> None:
    _, services, standin = slack
    client = standin_client(services)
    now = [0.0]
    hourly = HourlyReport(SlackDeps(services, Directory(services.settings, client), client), clock=lambda: now[0])
    first = hourly.current()
    now[0] = 3599.0
    assert hourly.current() is first and len(standin.of("file.upload")) == 1
    now[0] = 3601.0
    second = hourly.current()
    assert second.chart_file not in (None, first.chart_file) and len(standin.of("file.upload")) == 2
    assert [call.args["file"] for call in standin.of("files.delete")] == [first.chart_file]
    assert set(standin.uploads) == {second.chart_file}


def test_an_upload_slack_refuses_costs_the_chart_not_the_hour(slack: tuple[App, Services, StandIn]) -> None:
    _, services, standin = slack
    client = standin_client(services)
    standin.fail("files.getUploadURLExternal", 500)
    hourly = HourlyReport(SlackDeps(services, Directory(services.settings, client), client))
    made = hourly.current()
    assert made.chart_file is None and made.report.overall.requests == 3
    assert hourly.current() is made and len(standin.of("files.getUploadURLExternal")) == 1


def test_the_report_blocks_keep_rule_names_inert() -> None:
    made = datetime(2026, 1, 1, tzinfo=UTC)
    hit = Revision(1, made, (RuleHit(INJECTION, "error"),), (), 0, None)
    asked = RequestHistory("req_1", INJECTION, "email", made, (hit,))
    report = figures.report([asked], made, made + timedelta(days=30))
    with_chart = home.home_view([], None, HomeReport(report, made, "F0123"))
    assert injected(with_chart) == [] and images(with_chart)[0]["slack_file"] == {"id": "F0123"}
    assert images(home.home_view([], None, HomeReport(report, made, None))) == []


def standin_client(services: Services) -> WebClient:
    """A Web API client of its own on the stand-in, as the bot builds one."""
    return web_client(services.settings)
