"""capitalization: $sentence, $title (AP and Chicago), $lower, $upper, a regex; threshold."""

from __future__ import annotations

import pytest

from tests.unit.rules.support import CheckRule, matches


def rule(match: str, extra: str = "") -> str:
    return f"extends: capitalization\nmessage: \"'%s' has the wrong case.\"\nscope: heading\nmatch: '{match}'\n{extra}"


@pytest.mark.parametrize(
    ("heading", "fits"),
    [
        ("Restore a laptop in 3 steps", True),
        ("Restore A Laptop In 3 Steps", False),
        ("restore a laptop", False),
        ("What the API and URLs do", False),  # as in Vale: acronyms fit only as exceptions
        ("8. Restore a laptop", True),  # a list number lets the next word keep its capital
        ("Restore: a laptop in 3 steps", True),
        ("Meet Tidewell Vault", False),
    ],
)
def test_sentence_case(check_rule: CheckRule, heading: str, fits: bool) -> None:
    alerts = check_rule(rule("$sentence"), f"# {heading}\n\nBody Text In Title Case Is Not A Heading.")
    assert matches(alerts) == ([] if fits else [heading])


def test_exceptions_and_vocabulary_count_as_fitting(check_rule: CheckRule) -> None:
    assert check_rule(rule("$sentence", "exceptions: [API, URLs]\n"), "# What the API and URLs do") == []
    assert check_rule(rule("$sentence", "exceptions: [Tidewell Vault]\n"), "# Meet Tidewell Vault") == []
    vocab = {"Vocab/Brand/accept.txt": "Tidewell Vault\n"}
    assert check_rule(rule("$sentence"), "# Meet Tidewell Vault", vocab=vocab) == []


def test_indicators_allow_a_capital_after_them(check_rule: CheckRule) -> None:
    heading = "# Step 1: Open the admin console"
    assert len(check_rule(rule("$sentence", "threshold: 0.9\n"), heading)) == 1
    assert check_rule(rule("$sentence", "threshold: 0.9\nindicators: [':']\n"), heading) == []


@pytest.mark.parametrize(
    ("style", "heading", "fits"),
    [
        ("AP", "Back Up Your Laptop in Three Steps", True),
        ("AP", "Back up your laptop in three steps", False),
        ("AP", "What Happens After the Upgrade", True),
        ("Chicago", "What Happens after the Upgrade", True),
        ("Chicago", "What Happens After The Upgrade In Practice", False),
    ],
)
def test_title_case_styles(check_rule: CheckRule, style: str, heading: str, fits: bool) -> None:
    alerts = check_rule(rule("$title", f"style: {style}\n"), f"## {heading}")
    assert matches(alerts) == ([] if fits else [heading])


def test_lower_upper_and_regex(check_rule: CheckRule) -> None:
    assert matches(check_rule(rule("$lower"), "# all lower\n# Not lower")) == ["Not lower"]
    assert matches(check_rule(rule("$upper"), "# LOUD\n# Quiet")) == ["Quiet"]
    assert matches(check_rule(rule("^[A-Z]"), "# Starts well\n# starts badly")) == ["starts badly"]
