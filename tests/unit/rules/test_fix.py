"""apply_fixes and summarize."""

from __future__ import annotations

from pathlib import Path

from brandbot.rules import Level, RuleSet, apply_fixes, load_styles, summarize
from tests.unit.rules.support import WriteStyles

RULES = {
    "Brand/Words.yml": """\
extends: substitution
message: "Use '%s' instead of '%s'."
level: error
ignorecase: true
swap:
  cheap: affordable
  utilize: use
  leverage: use|apply
  TW Backup: Tidewell Backup
  simply: ''
""",
    "Brand/Bang.yml": "extends: occurrence\nmessage: One '!'.\nmax: 1\ntoken: '!'\n",
}


def rules(styles: WriteStyles) -> RuleSet:
    return load_styles(styles(RULES))


def test_replaces_with_the_first_suggestion_keeping_a_capital(styles: WriteStyles) -> None:
    text = "Cheap plans utilize TW Backup. Leverage it!\nSimply cheap!"
    fixed = apply_fixes(text, rules(styles).check(text))
    assert fixed == "Affordable plans use Tidewell Backup. Use it!\nAffordable!"


def test_is_idempotent_and_leaves_other_alerts_alone(styles: WriteStyles) -> None:
    checker = rules(styles)
    text = "A cheap plan!! Really cheap."
    fixed = apply_fixes(text, checker.check(text))
    assert fixed == "A affordable plan!! Really affordable."
    assert apply_fixes(fixed, checker.check(fixed)) == fixed
    assert [alert.check for alert in checker.check(fixed)] == ["Brand.Bang"]


def test_alerts_from_another_text_are_skipped(styles: WriteStyles) -> None:
    alerts = rules(styles).check("cheap")
    assert apply_fixes("other", alerts) == "other"


def test_summary_counts_by_level(styles: WriteStyles, tmp_path: Path) -> None:
    alerts = rules(styles).check("cheap cheap!!!")
    summary = summarize(alerts)
    assert (summary.errors, summary.warnings, summary.suggestions) == (2, 1, 0)
    assert str(summary) == "2 errors, 1 warning and 0 suggestions"
    assert summary.to_dict() == {"errors": 2, "warnings": 1, "suggestions": 0}
    assert [alert.level for alert in alerts] == [Level.error, Level.error, Level.warning]
