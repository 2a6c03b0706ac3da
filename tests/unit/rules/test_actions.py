"""Every action Vale accepts loads, is reported with its params, and gives the fix Vale's fixers
give; `apply_fixes` applies it to the draft."""

from __future__ import annotations

import pytest

from brandbot.rules import Action, apply_fixes
from tests.unit.rules.support import CheckRule


def existence(tokens: str, action: str, nonword: bool = False) -> str:
    return (
        f"extends: existence\nmessage: \"'%s'\"\nnonword: {str(nonword).lower()}\ntokens: {tokens}\naction:\n{action}"
    )


@pytest.mark.parametrize(
    ("rule", "text", "fixed"),
    [
        (existence("['very']", "  name: remove\n"), "It is very fast.", "It is fast."),
        (existence("['utilise']", "  name: replace\n  params: [use, employ]\n"), "We utilise it.", "We use it."),
        (
            existence("['auto-scale']", "  name: convert\n  params: [simple]\n"),
            "It can auto-scale.",
            "It can auto scale.",
        ),
        (
            existence(r"['\s[—]\s']", "  name: edit\n  params: [trim, ' ']\n", nonword=True),
            "Fast — and safe.",
            "Fast—and safe.",
        ),
        (
            existence("['[a-z]+ly quick']", "  name: edit\n  params: [truncate, ' ']\n"),
            "A really quick fix.",
            "A really fix.",
        ),
        (
            existence("['ab-cd']", "  name: edit\n  params: [split, '-', '1']\n"),
            "Run ab-cd now.",
            "Run cd now.",
        ),
        (
            existence("['x+y']", "  name: edit\n  params: [regex, '(x+)(y)', '$2$1']\n"),
            "Say xxy now.",
            "Say yxx now.",
        ),
        (existence("['!!+']", "  name: edit\n  params: [trim_right, '!']\n", nonword=True), "Wow!!!", "Wow"),
        (existence("['--+x']", "  name: edit\n  params: [trim_left, '-']\n", nonword=True), "a --x b", "a x b"),
    ],
)
def test_each_action_gives_vales_fix(check_rule: CheckRule, rule: str, text: str, fixed: str) -> None:
    alerts = check_rule(rule, text)
    assert len(alerts) == 1
    assert alerts[0].action is not None
    assert apply_fixes(text, alerts) == fixed


def test_suggest_is_reported_but_never_applied(check_rule: CheckRule) -> None:
    (alert,) = check_rule(existence("['teh']", "  name: suggest\n  params: [spellings]\n"), "See teh docs.")
    assert alert.action == Action("suggest", ("spellings",))
    assert apply_fixes("See teh docs.", [alert]) == "See teh docs."


def test_an_edit_vale_cannot_run_offers_no_fix(check_rule: CheckRule) -> None:
    (alert,) = check_rule(existence("['ab-cd']", "  name: edit\n  params: [split, '-', '7']\n"), "ab-cd")
    assert alert.replacements == ()


def test_a_repetition_truncated_to_one_word(check_rule: CheckRule) -> None:
    rule = (
        "extends: repetition\nmessage: \"'%s' is repeated!\"\nalpha: true\ntokens: ['[^\\s]+']\n"
        "action:\n  name: edit\n  params: [truncate, ' ']\n"
    )
    alerts = check_rule(rule, "the the book")
    assert apply_fixes("the the book", alerts) == "the book"
