"""`brandbot rules check` speaks Vale: its line and JSON outputs, exit statuses, several files
and folders, and .vale.ini projects (shapes from errata-ai/vale internal/core/alert.go and
internal/cli/json.go, line.go)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from brandbot.cli.rules import app
from brandbot.rules import RuleFailure
from tests.unit.rules.support import SHIPPED_RULES, write_styles

runner = CliRunner()
VALE_ALERT_KEYS = ["Action", "Span", "Check", "Description", "Link", "Message", "Severity", "Match", "Line"]
ACME = {
    "Acme/Hype.yml": """
        extends: existence
        message: "Avoid '%s' <b> & such."
        level: error
        tokens: [cheap]
    """,
    "Acme/Soft.yml": """
        extends: substitution
        message: "Use '%s' instead of '%s'."
        description: Plain words read faster.
        link: https://example.com/plain
        level: warning
        action:
          name: replace
        swap:
          utilize: use
    """,
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env or .vale.ini from the repository
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return write_styles(tmp_path / "styles", ACME)


def write(name: str, text: str) -> str:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(text, encoding="utf-8")
    return name


def run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["check", *args], input=stdin)


def test_vale_json_has_vales_keys_in_order_and_types(acme: Path) -> None:
    write("post.md", "We utilize it.\nIt is cheap.\n")
    result = run("post.md", "--rules-dir", str(acme), "-o", "vale-json")
    files = json.loads(result.stdout)
    assert result.exit_code == 1 and list(files) == ["post.md"]
    soft, hype = files["post.md"]
    assert all(list(alert) == VALE_ALERT_KEYS for alert in (soft, hype))
    assert soft == {
        "Action": {"Name": "replace", "Params": ["use"]},
        "Span": [4, 10],
        "Check": "Acme.Soft",
        "Description": "Plain words read faster.",
        "Link": "https://example.com/plain",
        "Message": "Use 'use' instead of 'utilize'.",
        "Severity": "warning",
        "Match": "utilize",
        "Line": 1,
    }
    assert hype["Action"] == {"Name": "", "Params": None}, "no action: Go's zero Action"
    assert (hype["Description"], hype["Link"]) == ("", ""), "empty strings, never null"
    assert (hype["Line"], hype["Span"], hype["Severity"]) == (2, [7, 11], "error")
    assert isinstance(hype["Line"], int) and all(isinstance(column, int) for column in hype["Span"])


def test_vale_json_escapes_like_go_and_lists_only_files_with_alerts(acme: Path) -> None:
    write("b.md", "cheap\n")
    write("a.md", "Nothing to see.\n")
    result = run("b.md", "a.md", "--rules-dir", str(acme), "-o", "vale-json")
    assert result.stdout.startswith('{\n  "b.md": [\n    {\n      "Action": {\n')
    assert "\\u003cb\\u003e \\u0026 such" in result.stdout, "Go's encoding/json escapes <, > and &"
    assert json.loads(result.stdout)["b.md"][0]["Message"] == "Avoid 'cheap' <b> & such."
    assert list(json.loads(result.stdout)) == ["b.md"]
    clean = run("a.md", "--rules-dir", str(acme), "-o", "vale-json")
    assert (clean.exit_code, clean.stdout) == (0, "{}\n")


def test_line_output_is_sorted_by_path_line_and_column(acme: Path) -> None:
    write("z.md", "cheap and cheap\nutilize\n")
    write("docs/a.md", "We utilize cheap tools.\n")
    result = run("z.md", "docs", "--rules-dir", str(acme), "-o", "line")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "docs/a.md:1:4:Acme.Soft:Use 'use' instead of 'utilize'.",
        "docs/a.md:1:12:Acme.Hype:Avoid 'cheap' <b> & such.",
        "z.md:1:1:Acme.Hype:Avoid 'cheap' <b> & such.",
        "z.md:1:11:Acme.Hype:Avoid 'cheap' <b> & such.",
        "z.md:2:1:Acme.Soft:Use 'use' instead of 'utilize'.",
    ]


def test_folders_are_walked_for_text_files_skipping_what_vale_skips(acme: Path) -> None:
    for name in ("docs/a.md", "docs/sub/b.rst", "docs/sub/c.txt", "docs/d.markdown"):
        write(name, "cheap\n")
    for name in ("docs/page.html", "docs/.git/e.md", "docs/node_modules/f.md"):
        write(name, "cheap\n")
    result = run("docs", "--rules-dir", str(acme), "-o", "line")
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert paths == ["docs/a.md", "docs/d.markdown", "docs/sub/b.rst", "docs/sub/c.txt"]
    named = run("docs/page.html", "--rules-dir", str(acme), "-o", "line")
    assert named.stdout.startswith("docs/page.html:1:1:"), "a file named on its own is read whatever its suffix"


def test_exit_statuses_follow_vale(acme: Path) -> None:
    write("warn.md", "utilize\n")
    write("err.md", "cheap\n")
    for output in ("text", "json", "line", "vale-json"):
        assert run("warn.md", "--rules-dir", str(acme), "-o", output).exit_code == 0, output
        assert run("warn.md", "err.md", "--rules-dir", str(acme), "-o", output).exit_code == 1, output
        assert run("warn.md", "missing.md", "--rules-dir", str(acme), "-o", output).exit_code == 2, output
    bad = write_styles(Path("bad"), {"Acme/Bad.yml": "extends: existence\nmessage: x\ntokenz: [a]\n"})
    assert run("warn.md", "--rules-dir", str(bad), "-o", "line").exit_code == 2
    assert run("warn.md", "--rules-dir", str(acme), "--config", "x.ini").exit_code == 2


def test_errors_go_to_standard_error_in_the_outputs_style(acme: Path) -> None:
    result = run("missing.md", "--rules-dir", str(acme), "-o", "vale-json")
    error = json.loads(result.stderr)
    assert result.stdout == "" and list(error) == ["Code", "Text"] and error["Code"] == "E100"
    assert error["Text"].startswith("cannot read missing.md")
    line = run("missing.md", "--rules-dir", str(acme), "-o", "line")
    assert line.stdout == "" and line.stderr.startswith("cannot read missing.md")


def test_standard_input_is_stdin_txt(acme: Path) -> None:
    result = run("-", "--rules-dir", str(acme), "-o", "line", stdin="cheap")
    assert result.stdout == "stdin.txt:1:1:Acme.Hype:Avoid 'cheap' <b> & such.\n"


def test_the_table_names_each_file_and_counts_them(acme: Path) -> None:
    write("a.md", "cheap\n")
    write("b.md", "utilize\n")
    result = run("a.md", "b.md", "--rules-dir", str(acme))
    assert result.exit_code == 1
    assert result.stdout.index("a.md") < result.stdout.index("Acme.Hype") < result.stdout.index("b.md")
    assert "1 error, 1 warning and 0 suggestions in 2 files." in result.stdout


def test_a_failed_rule_is_shown_in_every_output_and_the_exit_status_stays_alert_based(acme: Path) -> None:
    """Acme.Slow backtracks without end on any phrase with no digit after it."""
    write_styles(acme, {"Acme/Slow.yml": "extends: existence\nmessage: '%s'\nraw: ['(?:[\\w ]|[\\w ]{2})+\\d']\n"})
    timeout = RuleFailure("Acme.Slow", "Acme.Slow ran past its time limit of 100 ms; not checked")
    write("a.md", "utilize the whole of this sentence, which has no number in it at all\n")
    args = ("a.md", "--rules-dir", str(acme))
    text = run(*args)
    assert text.exit_code == 0 and "a.md: Acme.Slow ran past its time limit" in text.stdout
    report = json.loads(run(*args, "-o", "json").stdout)
    assert report["failures"] == [{"path": "a.md", "rule": "Acme.Slow", "reason": timeout.reason}]
    for output in ("line", "vale-json"):
        result = run(*args, "-o", output)
        assert result.exit_code == 0 and result.stderr == f"warning: a.md: {timeout.reason}\n"
        assert "Acme.Slow" not in result.stdout


VALE_INI = """
StylesPath = styles
MinAlertLevel = suggestion

[*.md]
BasedOnStyles = Acme
Acme.Soft = NO

[*.txt]
BasedOnStyles = Acme
"""


def test_config_chooses_each_files_rules_by_the_ini_sections(acme: Path) -> None:
    write(".vale.ini", VALE_INI)
    write("a.md", "cheap, utilize\n")
    write("b.txt", "cheap, utilize\n")
    write("c.rst", "cheap, utilize\n")
    result = run("a.md", "b.txt", "c.rst", "--config", ".vale.ini", "-o", "line")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "a.md:1:1:Acme.Hype:Avoid 'cheap' <b> & such.",
        "b.txt:1:1:Acme.Hype:Avoid 'cheap' <b> & such.",
        "b.txt:1:8:Acme.Soft:Use 'use' instead of 'utilize'.",
    ]


def test_the_nearest_vale_ini_is_used_unless_rules_dir_is_given(
    acme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(".vale.ini", VALE_INI)
    write("docs/a.md", "utilize\n")
    monkeypatch.chdir(tmp_path / "docs")
    found = run("a.md", "-o", "line")
    assert (found.exit_code, found.stdout) == (0, ""), "Acme.Soft is off for *.md in the ini"
    direct = run("a.md", "--rules-dir", str(acme), "-o", "line")
    assert direct.stdout == "a.md:1:1:Acme.Soft:Use 'use' instead of 'utilize'.\n"


def test_line_format_shape(acme: Path) -> None:
    write("a.md", "cheap\nutilize\n")
    lines = run("a.md", "--rules-dir", str(acme), "-o", "line").stdout.splitlines()
    assert lines and all(re.fullmatch(r"[^:]+:\d+:\d+:\w+\.\w+:.+", line) for line in lines)


def test_shipped_rules_give_vale_json_for_every_alert() -> None:
    write("post.md", "Our cheap, revolutionary TideWell backup is 100% secure!!\n")
    result = run("post.md", "--rules-dir", str(SHIPPED_RULES), "-o", "vale-json")
    alerts = json.loads(result.stdout)["post.md"]
    assert result.exit_code == 1 and all(list(alert) == VALE_ALERT_KEYS for alert in alerts)
    cheap = next(alert for alert in alerts if alert["Match"] == "cheap")
    assert cheap["Action"] == {"Name": "replace", "Params": ["affordable"]} and cheap["Link"]


def test_each_file_is_read_in_its_own_markup(acme: Path) -> None:
    """Code is no prose in Markdown or reStructuredText; a .txt file has no markup at all."""
    for name in ("a.md", "b.rst", "c.txt"):
        write(name, "Run ``cheap`` now.\n")
    result = run("a.md", "b.rst", "c.txt", "--rules-dir", str(acme), "-o", "line")
    assert result.stdout == "c.txt:1:7:Acme.Hype:Avoid 'cheap' <b> & such.\n"
