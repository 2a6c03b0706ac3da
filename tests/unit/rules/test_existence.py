"""existence: tokens, word boundaries, case, nonword, raw, exceptions."""

from __future__ import annotations

from tests.unit.rules.support import CheckRule, matches

CHEAP = """\
extends: existence
message: "Avoid '%s'."
tokens: [cheap, world-class]
"""


def test_tokens_match_whole_words_only(check_rule: CheckRule) -> None:
    alerts = check_rule(CHEAP, "A cheap plan, cheaper than cheapskate ones, and world-class.")
    assert matches(alerts) == ["cheap", "world-class"]
    assert alerts[0].message == "Avoid 'cheap'."


def test_tokens_are_case_sensitive_unless_ignorecase(check_rule: CheckRule) -> None:
    assert matches(check_rule(CHEAP, "Cheap, CHEAP and cheap.")) == ["cheap"]
    ignoring = CHEAP + "ignorecase: true\n"
    assert matches(check_rule(ignoring, "Cheap, CHEAP and cheap.")) == ["Cheap", "CHEAP", "cheap"]


def test_a_token_can_name_its_word_forms(check_rule: CheckRule) -> None:
    rule = """
        extends: existence
        message: "%s"
        tokens: ['cheap(?:er|est)?']
    """
    assert matches(check_rule(rule, "cheap, cheaper, cheapest, cheapskate")) == ["cheap", "cheaper", "cheapest"]


def test_nonword_drops_the_word_boundaries(check_rule: CheckRule) -> None:
    bounded = """\
extends: existence
message: "%s"
tokens: ['ware']
"""
    assert matches(check_rule(bounded, "ransomware and ware")) == ["ware"]
    assert matches(check_rule(bounded + "nonword: true\n", "ransomware and ware")) == ["ware", "ware"]


def test_raw_is_used_as_written(check_rule: CheckRule) -> None:
    rule = r"""
        extends: existence
        message: "Two spaces after '%s'"
        raw: ['[a-z][.?!]', ' {2,}']
    """
    assert matches(check_rule(rule, "One.  Two. Three")) == ["e.  "]


def test_exceptions_exempt_a_match_or_a_longer_phrase_around_it(check_rule: CheckRule) -> None:
    rule = """
        extends: existence
        message: "%s"
        tokens: [backup, Backup]
        exceptions: [Tidewell Backup]
    """
    alerts = check_rule(rule, "Tidewell Backup makes a backup. Backup!")
    assert [alert.span for alert in alerts] == [(25, 30), (33, 38)]


def test_empty_tokens_are_ignored(check_rule: CheckRule) -> None:
    rule = """
        extends: existence
        message: "%s"
        tokens: ['', cheap]
    """
    assert matches(check_rule(rule, "a cheap one")) == ["cheap"]


def test_alert_carries_the_rule_fields(check_rule: CheckRule) -> None:
    rule = CHEAP + "level: error\nlink: guidelines/x.md#words\n"
    (alert,) = check_rule(rule, "Not cheap.")
    assert alert.to_dict() == {
        "check": "Test.Rule",
        "message": "Avoid 'cheap'.",
        "level": "error",
        "line": 1,
        "span": [5, 9],
        "match": "cheap",
        "link": "guidelines/x.md#words",
    }
