"""substitution: swap keys with alternatives, longest first, messages, suggestions."""

from __future__ import annotations

from brandbot.rules import Action
from tests.unit.rules.support import CheckRule, matches

SWAP = """\
extends: substitution
message: "Use '%s' instead of '%s'."
swap:
  cheap: affordable
  TW|Tide Well: Tidewell
  TW Backup: Tidewell Backup
  master: primary|replica
"""


def test_message_gets_the_suggestion_then_the_match(check_rule: CheckRule) -> None:
    (alert,) = check_rule(SWAP, "A cheap plan.")
    assert alert.message == "Use 'affordable' instead of 'cheap'."
    assert alert.replacements == ("affordable",)


def test_key_alternatives_share_the_suggestion(check_rule: CheckRule) -> None:
    alerts = check_rule(SWAP, "TW and Tide Well.")
    assert [(alert.match, alert.replacements) for alert in alerts] == [
        ("TW", ("Tidewell",)),
        ("Tide Well", ("Tidewell",)),
    ]


def test_longest_key_wins(check_rule: CheckRule) -> None:
    rule = SWAP.replace("  TW|Tide Well: Tidewell\n", "  TW: Tidewell\n  Tide Well: Tidewell\n")
    (alert,) = check_rule(rule, "Try TW Backup today.")
    assert (alert.match, alert.message) == ("TW Backup", "Use 'Tidewell Backup' instead of 'TW Backup'.")


def test_a_key_is_one_group_as_in_vale(check_rule: CheckRule) -> None:
    """`TW|Tide Well` is the longest key, so it is tried first, alternatives in their order."""
    (alert,) = check_rule(SWAP, "Try TW Backup today.")
    assert (alert.match, alert.message) == ("TW", "Use 'Tidewell' instead of 'TW'.")


def test_capture_groups_in_a_key_are_made_non_capturing(check_rule: CheckRule) -> None:
    rule = "extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nswap:\n  (free)? trial: test drive\n"
    (alert,) = check_rule(rule, "Start a free trial.")
    assert (alert.match, alert.message) == ("free trial", "Use 'test drive' instead of 'free trial'.")


def test_several_suggestions_are_listed_once_quoted(check_rule: CheckRule) -> None:
    (alert,) = check_rule(SWAP, "The master node.")
    assert alert.message == "Use 'primary' or 'replica' instead of 'master'."
    assert alert.replacements == ("primary", "replica")


def test_case_sensitive_unless_ignorecase_and_words_only(check_rule: CheckRule) -> None:
    assert matches(check_rule(SWAP, "Cheap and cheaper.")) == []
    assert matches(check_rule(SWAP + "ignorecase: true\n", "Cheap and cheaper.")) == ["Cheap"]


def test_a_match_already_reading_as_the_suggestion_is_fine(check_rule: CheckRule) -> None:
    rule = """\
extends: substitution
message: "Use '%s' instead of '%s'."
ignorecase: true
swap:
  javascript: JavaScript
"""
    assert matches(check_rule(rule, "JavaScript, Javascript and javascript.")) == ["Javascript", "javascript"]


def test_exceptions(check_rule: CheckRule) -> None:
    rule = SWAP + "exceptions: [cheap seats]\n"
    assert matches(check_rule(rule, "The cheap seats are cheap.")) == ["cheap"]


def test_capitalize_matches_the_first_letter(check_rule: CheckRule) -> None:
    rule = SWAP + "ignorecase: true\ncapitalize: true\n"
    (alert,) = check_rule(rule, "Cheap plans.")
    assert alert.message == "Use 'Affordable' instead of 'Cheap'."


def test_a_bare_replace_action_is_filled_with_the_suggestions(check_rule: CheckRule) -> None:
    (alert,) = check_rule(SWAP + "action:\n  name: replace\n", "The master node.")
    assert alert.action == Action("replace", ("primary", "replica"))
