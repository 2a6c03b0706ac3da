"""occurrence, as in Vale: the alert points at the scope's first match and says how many there
are; min with zero matches alerts at the start."""

from __future__ import annotations

from tests.unit.rules.support import CheckRule

EXCLAMATIONS = """\
extends: occurrence
message: "At most 1 exclamation mark."
max: 1
token: '!'
"""
DISCLAIMER = r"""
extends: occurrence
message: "Add the disclaimer."
level: error
min: 1
token: 'Terms apply\.'
"""


def test_max_is_counted_per_block_in_text_and_per_draft_in_summary(check_rule: CheckRule) -> None:
    assert check_rule(EXCLAMATIONS, "Great!\n\nReally great!") == []  # as in Vale: each paragraph
    assert [alert.line for alert in check_rule(EXCLAMATIONS, "Great! Really great!")] == [1]
    per_draft = EXCLAMATIONS + "scope: summary\n"
    assert check_rule(per_draft, "Great!\n\nReally great.") == []
    (alert,) = check_rule(
        per_draft.replace("At most 1 exclamation mark.", "%s exclamation marks"), "# Wow!\n\nGreat!\n\nReally great!"
    )
    assert (alert.line, alert.span, alert.match) == (3, (6, 6), "!")  # headings are not in the summary
    assert alert.message == "2 exclamation marks"


def test_min_with_zero_matches_is_an_alert_at_the_start(check_rule: CheckRule) -> None:
    (alert,) = check_rule(DISCLAIMER, "Try it now.\nIt's good.")
    assert (alert.line, alert.span, alert.match, alert.message) == (1, (1, 1), "", "Add the disclaimer.")
    assert check_rule(DISCLAIMER, "Try it now. Terms apply.") == []


def test_sentence_scope_counts_each_sentence(check_rule: CheckRule) -> None:
    rule = """\
extends: occurrence
message: "Too many commas."
scope: sentence
max: 2
token: ','
"""
    alerts = check_rule(rule, "One, two, three. Four, five, six, seven.")
    assert [alert.span for alert in alerts] == [(22, 22)]
