"""`brandbot report`: the figures of a small recorded history, worked out by hand (see
tests/support/brand_history.py for the history and its times), and the same figures as JSON,
text, a PNG chart and an HTML page. A requester's own follow-ups are counted apart from
approvers' decisions."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from brandbot.cli.main import app
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.reporting import display, figures, history
from brandbot.reporting.figures import Figures, Outcome, Report, RevisedRequest, RuleCount
from brandbot.reporting.history import DecisionRecord, RequestHistory, Revision
from brandbot.services import Services
from brandbot.store.models import utcnow
from brandbot.store.status import Action
from tests.conftest import make_settings
from tests.support.brand_history import HOSTILE_REQUEST, History, record
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM
from tests.support.reviewer_history import REQUESTER, install_style, sent_back
from tests.unit.conftest import GUIDE

HOUR = 3600.0
X_POSTS = Figures(
    requests=2,
    approved=1,
    edited=0,
    rejected=1,
    expired=0,
    approval_rate=0.5,
    reviewed=2,
    change_rounds=0,
    follow_ups=0,
    change_rounds_per_request=0.0,
    decisions=2,
    time_to_decision_median_s=0.75 * HOUR,  # 30 min and 1 h
    time_to_decision_p90_s=1.0 * HOUR,  # nearest rank: the 2nd of 2
    drafts=2,
    compliant_before_fixes=0.0,  # one needed an automatic revision, the other "cheap" fixed
    compliant_after_fixes=1.0,  # "awesome" is a warning
    rules=(RuleCount("Brand.Cheap", alerts=0, fixes=2), RuleCount("Brand.Awesome", alerts=1, fixes=0)),
    # the error the automatic revision removed is on no draft
)
LINKEDIN_POSTS = Figures(
    requests=1,
    approved=1,
    edited=1,
    rejected=0,
    expired=0,
    approval_rate=1.0,
    reviewed=1,
    change_rounds=1,
    follow_ups=0,
    change_rounds_per_request=1.0,
    decisions=2,
    time_to_decision_median_s=3.0 * HOUR,  # 2 h and 4 h
    time_to_decision_p90_s=4.0 * HOUR,
    drafts=2,
    compliant_before_fixes=0.5,  # revision 1 had a warning only; revision 2 took automatic revisions
    compliant_after_fixes=0.5,  # revision 2 kept its error
    rules=(RuleCount("Brand.Guaranteed", alerts=1, fixes=0),),  # on the latest revision only
)
OVERALL = Figures(
    requests=3,
    approved=2,
    edited=1,
    rejected=1,
    expired=0,
    approval_rate=2 / 3,
    reviewed=3,
    change_rounds=1,
    follow_ups=0,
    change_rounds_per_request=1 / 3,
    decisions=4,
    time_to_decision_median_s=1.5 * HOUR,  # 30 min, 1 h, 2 h, 4 h
    time_to_decision_p90_s=4.0 * HOUR,  # nearest rank: the 4th of 4
    drafts=4,
    compliant_before_fixes=0.25,
    compliant_after_fixes=0.75,
    rules=(
        RuleCount("Brand.Cheap", alerts=0, fixes=2),
        RuleCount("Brand.Awesome", alerts=1, fixes=0),
        RuleCount("Brand.Guaranteed", alerts=1, fixes=0),
    ),
)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, History]]:
    root = tmp_path_factory.mktemp("report")
    settings = make_settings(root / "data", llm_base_url="http://127.0.0.1:9/v1", draft_examples=0)
    fake = FakeLLM()
    services = Services(settings, llm=fake.client(settings))
    services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    made = record(services, fake, root / "styles")
    yield services, made
    services.close()


@pytest.fixture
def cli(recorded: tuple[Services, History], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    services, _ = recorded
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def last_30_days(services: Services) -> Report:
    now = utcnow()
    return figures.report(history.load(services.db, now - timedelta(days=30), now), now - timedelta(days=30), now)


def test_the_figures_match_the_ones_worked_out_by_hand(recorded: tuple[Services, History]) -> None:
    services, made = recorded
    report = last_30_days(services)
    assert _close(report.overall, OVERALL)
    assert list(report.by_format) == ["x_post", "linkedin_post"]
    assert _close(report.by_format["x_post"], X_POSTS) and _close(report.by_format["linkedin_post"], LINKEDIN_POSTS)
    assert list(report.by_channel) == ["x", "linkedin"]
    assert report.by_channel["x"] == report.by_format["x_post"]
    assert report.by_channel["linkedin"] == report.by_format["linkedin_post"]
    assert report.most_revised == (
        RevisedRequest(made.hostile, HOSTILE_REQUEST, "linkedin_post", 1, 0, Outcome.approved),
    )


def test_a_requesters_follow_ups_are_counted_apart_from_approvers_decisions(tmp_path: Path) -> None:
    """The requester sends their draft back once, an approver once more, then approves: one change
    round by an approver, one follow-up, and two decisions (the follow-up is none)."""
    settings = make_settings(tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1", draft_examples=0)
    fake = FakeLLM()
    services = Services(settings, llm=fake.client(settings))
    try:
        services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
        install_style(services, tmp_path / "styles")
        request_id = sent_back(services, fake, [(REQUESTER, "Shorter, please."), ("bob", "Warmer, please.")])
        latest = services.requests.latest_draft(request_id)
        assert latest is not None and latest.revision == 3
        decide(services.engine, latest.id, "bob", "approve")
        report = last_30_days(services)
    finally:
        services.close()
    overall = report.overall
    assert (overall.change_rounds, overall.follow_ups) == (1, 1)
    assert (overall.decisions, overall.reviewed, overall.change_rounds_per_request) == (2, 1, 1.0)
    assert (overall.approved, overall.approval_rate) == (1, 1.0)
    [revised] = report.most_revised
    assert (revised.request_id, revised.change_rounds, revised.follow_ups) == (request_id, 1, 1)
    shown = dict(display.headlines(overall))
    assert shown["Changes requested"] == "1 by approvers, 1 by requesters' follow-ups"


def test_the_period_is_when_requests_were_made(recorded: tuple[Services, History]) -> None:
    services, made = recorded
    now = utcnow()
    longer = figures.report(history.load(services.db, now - timedelta(days=50), now), now, now)
    assert (longer.overall.requests, longer.overall.open, longer.overall.approved) == (4, 1, 2)
    before = history.load(services.db, now - timedelta(days=50), made.start)
    assert [request.request_id for request in before] == [made.old]


def test_nothing_to_count_is_none_not_zero() -> None:
    empty = figures.figures([])
    assert empty.requests == 0 and empty.rules == ()
    assert empty.approval_rate is None and empty.change_rounds_per_request is None
    assert empty.time_to_decision_median_s is None and empty.time_to_decision_p90_s is None
    assert empty.compliant_before_fixes is None and empty.compliant_after_fixes is None
    assert figures.nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.0
    assert figures.nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 0.9) == 10.0


def test_expiry_is_no_decision_and_unbriefed_requests_are_unclassified() -> None:
    made = datetime(2026, 1, 1, tzinfo=UTC)

    def asked(request_id: str, fmt: str | None, *decisions: tuple[Action, timedelta]) -> RequestHistory:
        revisions = tuple(
            Revision(n, made, (), (), 0, DecisionRecord(action, made + after))
            for n, (action, after) in enumerate(decisions, start=1)
        )
        return RequestHistory(request_id, "a request", fmt, made, revisions)

    requests = [
        asked("req_late", "email", (Action.expire, timedelta(hours=72))),
        asked("req_ok", "email", (Action.approve, timedelta(hours=1))),
        asked("req_refused", None),
    ]
    report = figures.report(requests, made, made + timedelta(days=1))
    overall = report.overall
    assert (overall.requests, overall.approved, overall.expired, overall.open) == (3, 1, 1, 1)
    assert overall.approval_rate == 1.0, "an expired draft was decided by nobody"
    assert (overall.reviewed, overall.decisions, overall.time_to_decision_p90_s) == (1, 1, HOUR)
    assert list(report.by_format) == ["email", "unclassified"] and list(report.by_channel) == ["email", "unclassified"]
    assert report.by_channel["unclassified"].drafts == 0 and report.by_channel["unclassified"].approval_rate is None


def test_the_cli_prints_json_and_writes_a_png_and_an_html_page(
    recorded: tuple[Services, History], cli: CliRunner, tmp_path: Path
) -> None:
    _, made = recorded
    png, page = tmp_path / "report.png", tmp_path / "report.html"
    since = (made.start - timedelta(days=1)).date().isoformat()
    result = cli.invoke(app, ["report", "--since", since, "--png", str(png), "--html", str(page), "-o", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["since"] == f"{since}T00:00:00+00:00"
    assert data["overall"]["requests"] == 3 and data["overall"]["approval_rate"] == pytest.approx(2 / 3)
    assert data["overall"]["time_to_decision_median_s"] == pytest.approx(1.5 * HOUR)
    assert data["overall"]["rules"][0] == {"check": "Brand.Cheap", "alerts": 0, "fixes": 2}
    assert list(data["by_channel"]) == ["x", "linkedin"]
    assert data["by_format"]["linkedin_post"]["change_rounds_per_request"] == 1.0
    assert data["most_revised"] == [
        {
            "request_id": made.hostile,
            "text": HOSTILE_REQUEST,
            "format": "linkedin_post",
            "change_rounds": 1,
            "follow_ups": 0,
            "outcome": "approved",
        }
    ]

    image = png.read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and image[12:16] == b"IHDR"
    assert struct.unpack(">II", image[16:24]) == (1200, 800)
    assert 20_000 < len(image) < 1_000_000
    with Image.open(io.BytesIO(image)) as decoded:
        decoded.load()
        assert len(decoded.convert("RGB").getcolors(1_000_000) or []) > 20, "a chart, not a blank canvas"

    html = page.read_text(encoding="utf-8")
    assert "<td>Approval rate</td><td>66.7% (2 of 3 decided)</td>" in html
    assert "<td>Time to decision</td><td>median 1.5 h, p90 4.0 h</td>" in html
    assert "<td>Compliant before automatic fixes</td><td>25.0%</td>" in html
    assert "<td>Changes requested</td><td>1 by approvers, 0 by requesters&#x27; follow-ups</td>" in html
    assert "<td>Brand.Cheap</td><td>0</td><td>2</td>" in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html and "&lt;b&gt;more&lt;/b&gt;" in html
    assert "<script" not in html and "<b>" not in html
    inlined = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert inlined and base64.b64decode(inlined.group(1)) == image
    assert not re.search(r"(src|href)=\"(?!data:)", html), "self-contained: nothing fetched"


def test_the_cli_prints_tables_for_people(recorded: tuple[Services, History], cli: CliRunner) -> None:
    _, made = recorded
    result = cli.invoke(app, ["report", "--since", (made.start - timedelta(days=1)).date().isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(re.fullmatch(r"Approval rate\s+66\.7% \(2 of 3 decided\)\s*", line) for line in lines)
    assert any(re.fullmatch(r"Change rounds per request\s+0\.33\s*", line) for line in lines)
    header = next(line for line in lines if line.startswith("Channel "))
    approval = next(line for line in lines if line.startswith("Approval rate ") and "decided" not in line)
    assert approval.index("50.0%") == header.index(" x ") + 1, "columns line up"
    assert HOSTILE_REQUEST[:40] in result.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--since", "2026-13-45"], "--since: '2026-13-45' is not a date; write it as YYYY-MM-DD."),
        (["--since", "2026-01-01", "--until", "yesterday"], "--until: 'yesterday' is not a date"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "--since 2026-02-01 is not before --until 2026-01-01"),
    ],
)
def test_a_bad_date_is_one_clear_line(cli: CliRunner, args: list[str], said: str) -> None:
    result = cli.invoke(app, ["report", *args])
    assert result.exit_code == 1
    assert said in result.output and len(result.output.strip().splitlines()) == 1


def test_until_counts_its_whole_day() -> None:
    from brandbot.cli.report import moment

    assert moment("2026-03-01", "--until", end_of_day=True) == datetime(2026, 3, 2, tzinfo=UTC)
    assert moment("2026-03-01T12:30:00+02:00", "--since") == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)


def _close(actual: Figures, expected: Figures) -> bool:
    """Equal, the shares and times to a float's rounding."""
    for name, wanted in vars(expected).items():
        got = getattr(actual, name)
        assert (got == pytest.approx(wanted)) if isinstance(wanted, float) else got == wanted, (name, got, wanted)
    return True
