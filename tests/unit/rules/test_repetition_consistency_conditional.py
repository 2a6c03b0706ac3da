"""repetition, consistency and conditional."""

from __future__ import annotations

from tests.unit.rules.support import CheckRule, matches

REPEATED = r"""
extends: repetition
message: "'%s' is repeated."
alpha: true
tokens: ['[^\s.,!?]+']
"""
CONSISTENT = """\
extends: consistency
message: "Inconsistent spelling of '%s'."
ignorecase: true
either:
  advisor: adviser
"""
ACRONYMS = r"""
extends: conditional
message: "Define '%s' at its first use."
first: '\b[A-Z]{3,5}\b'
second: '(?:\b[A-Za-z]+ )+\(([A-Z]{3,5})\)'
exceptions: [UTC]
"""


def test_repetition_flags_the_same_word_twice_in_a_row(check_rule: CheckRule) -> None:
    (alert,) = check_rule(REPEATED, "Restore the the folder.")
    assert (alert.match, alert.message) == ("the the", "'the' is repeated.")


def test_repetition_needs_the_words_adjacent_and_alphabetic(check_rule: CheckRule) -> None:
    assert check_rule(REPEATED, "We knew that. That was it. Call 555 555.") == []
    assert matches(check_rule(REPEATED, "It is The the end.")) == []
    assert matches(check_rule(REPEATED + "ignorecase: true\n", "It is The the end.")) == ["The the"]


def test_consistency_flags_the_second_spelling(check_rule: CheckRule) -> None:
    assert check_rule(CONSISTENT, "Ask an advisor. Advisors help.") == []
    (alert,) = check_rule(CONSISTENT, "Ask an advisor.\n\nThe Adviser will call. An adviser again.")
    assert (alert.line, alert.match) == (3, "Adviser")


def test_conditional_needs_the_definition_somewhere(check_rule: CheckRule) -> None:
    assert matches(check_rule(ACRONYMS, "Set your RPO and RTO. All times UTC.")) == ["RPO", "RTO"]
    defined = "Your RPO matters. Set a recovery point objective (RPO) first, then the RTO."
    assert matches(check_rule(ACRONYMS, defined)) == ["RTO"]


def test_conditional_without_a_group_is_a_presence_check(check_rule: CheckRule) -> None:
    rule = r"""
extends: conditional
message: "Mention of '%s' needs the security disclaimer."
first: '[Rr]ansomware-proof'
second: 'No system is completely secure\.'
"""
    assert matches(check_rule(rule, "Ransomware-proof storage.")) == ["Ransomware-proof"]
    assert check_rule(rule, "Ransomware-proof storage. No system is completely secure.") == []
