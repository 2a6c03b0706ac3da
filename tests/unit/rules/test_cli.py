"""`brandbot rules ...` through typer's CliRunner: output shapes and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brandbot.cli.rules import app
from tests.unit.rules.support import SHIPPED_RULES, write_styles

runner = CliRunner()
BAD_DRAFT = "Our cheap, revolutionary TideWell backup is 100% secure!!\n"
FINE_DRAFT = "Lost a laptop? Restore its files in a few steps with Tidewell Restore.\n"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(tmp_path / "data"))


def check(*args: str, draft: str = BAD_DRAFT) -> tuple[int, str]:
    Path("draft.md").write_text(draft, encoding="utf-8")
    result = runner.invoke(app, ["check", "draft.md", "--rules-dir", str(SHIPPED_RULES), *args])
    return result.exit_code, result.output


def test_json_output_is_one_object_per_alert_and_errors_exit_1() -> None:
    code, output = check("--output", "json")
    report = json.loads(output)
    alerts = report["alerts"]
    assert code == 1 and report["failures"] == []
    assert {alert["check"] for alert in alerts} >= {"Tidewell.WordsToAvoid", "Tidewell.Hype", "Vale.Terms"}
    keys = {"path", "check", "message", "level", "line", "span", "match", "link"}
    assert all(set(alert) == keys and alert["path"] == "draft.md" for alert in alerts)
    cheap = next(alert for alert in alerts if alert["match"] == "cheap")
    assert (cheap["line"], cheap["span"], cheap["level"]) == (1, [5, 9], "error")


def test_no_error_alerts_exit_0() -> None:
    code, output = check("--output", "json", draft=FINE_DRAFT)
    assert (code, json.loads(output)) == (0, {"alerts": [], "failures": []})


def test_context_options_apply_the_config() -> None:
    code, output = check("--format", "x_post", "--promotional", "-o", "json", draft=FINE_DRAFT)
    assert code == 1
    assert [alert["check"] for alert in json.loads(output)["alerts"]] == ["Tidewell.TrialDisclaimer"]


def test_human_output_is_a_table_and_a_summary() -> None:
    code, output = check()
    assert code == 1
    assert "1:5" in output and "Tidewell.WordsToAvoid" in output
    assert "4 errors, 2 warnings and 0 suggestions in 1 file." in output


def test_standard_input() -> None:
    result = runner.invoke(app, ["check", "-", "--rules-dir", str(SHIPPED_RULES), "-o", "json"], input="cheap")
    first = json.loads(result.output)["alerts"][0]
    assert result.exit_code == 1 and (first["path"], first["match"]) == ("stdin.txt", "cheap")


def test_unreadable_file_bad_rules_and_bad_format_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "missing.md", "--rules-dir", str(SHIPPED_RULES)])
    assert result.exit_code == 2 and "cannot read missing.md" in result.output
    bad = write_styles(tmp_path / "bad", {"Acme/Bad.yml": "extends: existence\nmessage: x\ntokenz: [a]\n"})
    code, output = check("--rules-dir", str(bad))
    assert code == 2 and "Acme/Bad.yml: key 'tokenz': unknown key for existence" in output
    code, output = check("--format", "tiktok")
    assert code == 2 and "unknown format 'tiktok'" in output


def test_checking_against_installed_rules_when_there_are_none_says_so_and_exits_2() -> None:
    Path("draft.md").write_text(BAD_DRAFT, encoding="utf-8")
    result = runner.invoke(app, ["check", "draft.md"])
    assert result.exit_code == 2
    assert "No brand rules are installed" in result.output and "brandbot rules add" in result.output


def test_add_list_check_remove_the_installed_rules(tmp_path: Path) -> None:
    assert runner.invoke(app, ["add", str(SHIPPED_RULES)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["list", "-o", "json"]).output)
    assert {"id": "Tidewell.TrialDisclaimer", "type": "occurrence", "level": "off"}.items() <= next(
        rule for rule in listed if rule["id"] == "Tidewell.TrialDisclaimer"
    ).items()
    Path("draft.md").write_text("cheap", encoding="utf-8")
    assert runner.invoke(app, ["check", "draft.md"]).exit_code == 1
    assert runner.invoke(app, ["remove", "Tidewell.Nope"]).exit_code == 1
    bad = write_styles(tmp_path / "bad", {"Tidewell/Bad.yml": "extends: nope\nmessage: x\n"})
    result = runner.invoke(app, ["add", str(bad / "Tidewell" / "Bad.yml")])
    assert result.exit_code == 1 and "Tidewell/Bad.yml: key 'extends': unknown rule type 'nope'" in result.output
    assert json.loads(runner.invoke(app, ["list", "-o", "json"]).output) == listed
