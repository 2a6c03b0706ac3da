"""Admin uploads as the worker runs them: real HTTP downloads from the Slack stand-in and from
hosts that are not Slack, the real knowledge base (files read in the child process) and rules
library, and hostile files the tests write. Each test reads the one reply the admin gets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import doc_id_for
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.slack import uploads
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from tests.conftest import GUIDELINES
from tests.support.fake_llm import FakeLLM
from tests.support.file_host import FileHost
from tests.support.hostile_files import blank_pdf, docx_with, encrypted, spaces, zipped
from tests.support.slack_standin import StandIn

pytestmark = pytest.mark.both_configurations

ADMIN, DM = "UADMIN001", "DADMIN001"
MB = 1024 * 1024
GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."
RULE = b"extends: existence\nmessage: Avoid '%s'.\ntokens: [synergy]\n"


@pytest.fixture
def elsewhere() -> Iterator[FileHost]:
    host = FileHost()
    host.start()
    yield host
    host.stop()


def slack_deps(settings: Settings, standin: StandIn, **overrides: Any) -> SlackDeps:
    configured = settings.model_copy(
        update={
            "slack_bot_token": SecretStr(standin.token),
            "slack_api_url": standin.api_url,
            "admins": [ADMIN],
            "max_upload_mb": 1.0,
            **overrides,
        }
    )
    services = Services(configured, llm=FakeLLM().client(configured))
    library.add(configured, services.db, GUIDELINES / "rules", actor="admin")
    client = WebClient(token=standin.token, base_url=standin.api_url)
    return SlackDeps(services, Directory(configured, client), client)


@pytest.fixture
def deps(settings: Settings, standin: StandIn) -> Iterator[SlackDeps]:
    built = slack_deps(settings, standin)
    yield built
    built.services.close()


def upload(deps: SlackDeps, standin: StandIn, *files: dict[str, Any]) -> str:
    """The admin sends `files` in one message; the one reply the worker posts."""
    before = len(standin.posts_to(DM))
    uploads.ingest(deps, ADMIN, list(files), DM)
    replies = standin.posts_to(DM)
    assert len(replies) == before + 1, "one reply per upload"
    return str(replies[-1]["text"])


def line_for(report: str, name: str) -> str:
    [line] = [line for line in report.splitlines() if f"*{name}*" in line]
    return line


def added(deps: SlackDeps, name: str) -> bool:
    return deps.services.knowledge_base.registry.get(doc_id_for(name)) is not None


def downloads(standin: StandIn) -> list[str]:
    return [call.args["path"] for call in standin.of("file.download")]


def test_a_file_on_another_host_is_refused_unfetched_and_the_token_stays_home(
    deps: SlackDeps, standin: StandIn, elsewhere: FileHost
) -> None:
    lure = elsewhere.file("lure.md", GUIDE, size=len(GUIDE))
    plain_http = {**standin.add_file("F0PLAIN1", "plain.md", GUIDE)}
    plain_http["url_private_download"] = plain_http["url_private_download"].replace(
        "http://127.0.0.1", "http://localhost"
    )
    good = standin.add_file("F0GOOD01", "voice.md", GUIDE)
    report = upload(deps, standin, lure, plain_http, good)
    assert "not on Slack's file host, so I did not fetch it" in line_for(report, "lure.md")
    assert "not on Slack's file host" in line_for(report, "plain.md")
    assert "added" in line_for(report, "Tidewell voice") and added(deps, "voice.md")
    assert elsewhere.requests == [], "nothing reached the other host, the token least of all"
    assert downloads(standin) == [good["url_private_download"].removeprefix(standin.url)]


def test_an_external_file_is_refused_by_name(deps: SlackDeps, standin: StandIn) -> None:
    external = {
        "id": "F0GDRIVE1",
        "name": "Brand book.gdoc",
        "is_external": True,
        "external_type": "gdrive",
        "url_private": "https://docs.google.com/document/d/abc/edit",
    }
    report = upload(deps, standin, external)
    assert report == (
        ":x: *Brand book.gdoc*: it is a link to a file stored outside Slack (gdrive), not a file; "
        "upload the file itself"
    )
    assert downloads(standin) == []


def test_a_download_past_the_cap_is_stopped_whatever_size_slack_declared(
    settings: Settings, standin: StandIn, elsewhere: FileHost
) -> None:
    """The file host plays Slack's here (the configured API's host), and never says how long its
    answer is; the files are 32 MB against a 1 MB cap, declared as nothing, wrong or absent."""
    deps = slack_deps(settings, standin, slack_api_url=f"{elsewhere.url}/api/")
    try:
        big = GUIDE + b"\nSay Tidewell.\n" * (32 * MB // 15)
        files = [
            elsewhere.file("no-size.md", big),
            elsewhere.file("small-size.md", big, size=100),
            elsewhere.file("false-size.txt", big, size=False),
            elsewhere.file("Rules.YML", RULE + b"# " + b"x" * 32 * MB + b"\n"),
        ]
        report = upload(deps, standin, *files)
    finally:
        deps.services.close()
    for name in ("no-size.md", "small-size.md", "false-size.txt"):
        assert "file is over the 1 MB limit (download stopped at 1." in line_for(report, name)
    assert "over the 1 MB limit (download stopped at 1." in line_for(report, "Rules.YML")
    assert "stay active" in line_for(report, "Rules.YML")
    assert all(elsewhere.sent[path] < len(data) for path, data in elsewhere.files.items()), "each was cut off"
    assert all(token == f"Bearer {standin.token}" for _, token in elsewhere.requests)


def test_a_redirect_off_slack_is_not_followed(settings: Settings, standin: StandIn, elsewhere: FileHost) -> None:
    slack_host = FileHost()
    slack_host.start()
    deps = slack_deps(settings, standin, slack_api_url=f"{slack_host.url}/api/")
    try:
        bounced = slack_host.file("bounced.md", GUIDE)
        slack_host.redirects[bounced["url_private_download"].removeprefix(slack_host.url)] = f"{elsewhere.url}/steal"
        report = upload(deps, standin, bounced)
    finally:
        deps.services.close()
        slack_host.stop()
    assert "not its file host; not followed" in line_for(report, "bounced.md")
    assert elsewhere.requests == []


def test_declared_sizes_over_the_cap_are_refused_before_any_download(deps: SlackDeps, standin: StandIn) -> None:
    rule = {**standin.add_file("F0BIGRULE", "Huge.yml", RULE), "size": 3 * MB}
    guide = {**standin.add_file("F0BIGDOC1", "huge.pdf", b"%PDF"), "size": 2 * MB}
    report = upload(deps, standin, rule, guide)
    assert "file is 3.0 MB, over the 1 MB limit" in line_for(report, "Huge.yml")
    assert "file is 2.0 MB, over the 1 MB limit" in line_for(report, "huge.pdf")
    assert downloads(standin) == []


def test_upper_case_extensions_are_read_like_lower_case(deps: SlackDeps, standin: StandIn) -> None:
    shipped = (GUIDELINES / "rules" / "config.yml").read_bytes()
    config = shipped.replace(b"styles: [Tidewell]", b"styles: [Tidewell, Acme]")
    files = [
        standin.add_file("F0UPPER01", "VOICE.MD", GUIDE),
        standin.add_file("F0UPPER02", "Social.DOCX", (GUIDELINES / "channel-guide-social.docx").read_bytes()),
        standin.add_file("F0UPPER03", "Legal.PDF", (GUIDELINES / "legal-disclaimers.pdf").read_bytes()),
        standin.add_file("F0UPPER04", "NoSynergy.YML", RULE),
        standin.add_file("F0UPPER05", "Styles.ZIP", zipped({"config.yml": config, "Acme/NoLeverage.yml": RULE})),
    ]
    report = upload(deps, standin, *files)
    assert ":x:" not in report
    assert all(added(deps, name) for name in ("VOICE.MD", "Social.DOCX", "Legal.PDF"))
    assert "`Tidewell.NoSynergy`" in line_for(report, "NoSynergy.YML")
    assert "`Acme.NoLeverage`" in line_for(report, "Styles.ZIP")


def test_hostile_files_each_get_one_line_and_the_others_still_go_in(settings: Settings, standin: StandIn) -> None:
    deps = slack_deps(settings, standin, max_pdf_pages=3)
    rules_zip = zipped({"Acme/NoLeverage.yml": RULE})
    files = {
        "bomb.docx": docx_with("word/document.xml", spaces(64)),
        "malformed.docx": docx_with("word/document.xml", b"<w:document><w:body><w:p>"),
        "locked.docx": encrypted((GUIDELINES / "channel-guide-social.docx").read_bytes()),
        "long.pdf": blank_pdf(4),
        "latin.txt": "Caf\u00e9 au lait".encode("latin-1"),
        "locked.zip": encrypted(rules_zip),
        "truncated.ZIP": rules_zip[: len(rules_zip) // 2],
        "voice.md": GUIDE,
    }
    try:
        report = upload(
            deps, standin, *[standin.add_file(f"F0H{i:06d}", n, d) for i, (n, d) in enumerate(files.items())]
        )
    finally:
        deps.services.close()
    reasons = {
        "bomb.docx": "DOCX refused: 'word/document.xml' unpacks to",
        "malformed.docx": "not a readable DOCX file (malformed XML:",
        "locked.docx": "' is encrypted",
        "long.pdf": "the PDF has 4 pages, over the 3-page limit",
        "latin.txt": "not UTF-8 text (bad byte at offset 3)",
        "locked.zip": "'Acme/NoLeverage.yml' is encrypted. The rules that were active stay active.",
        "truncated.ZIP": "not a zip archive",
    }
    for name, reason in reasons.items():
        assert reason in line_for(report, name), (name, report)
    assert "added" in line_for(report, "Tidewell voice")
    assert len(report.splitlines()) == len(files)


@pytest.mark.parametrize(
    ("url", "slack"),
    [
        ("https://files.slack.com/files-pri/T0-F1/download/a.md", True),
        ("https://FILES.slack.com/files-pri/T0-F1/a.md", True),
        ("https://slack.com/files-pri/T0-F1/a.md", True),
        ("http://files.slack.com/files-pri/T0-F1/a.md", False),
        ("https://files.slack.com:8443/files-pri/T0-F1/a.md", False),
        ("https://files.slack.com.evil.example/a.md", False),
        ("https://files.slack.com@evil.example/a.md", False),
        ("https://evil.example/files.slack.com/a.md", False),
        ("ftp://files.slack.com/a.md", False),
        ("http://127.0.0.1:4000/files-pri/T0-F1/a.md", True),
        ("http://127.0.0.1:4001/files-pri/T0-F1/a.md", False),
        ("https://127.0.0.1:4000/files-pri/T0-F1/a.md", False),
        ("not a url at all", False),
    ],
)
def test_which_addresses_get_the_token(url: str, slack: bool) -> None:
    """Slack's file hosts over https, or exactly the configured Web API's origin (a stand-in)."""
    assert uploads.is_slack_file_url(url, "http://127.0.0.1:4000/api/") is slack
