"""Regex helpers: the speed-up lookahead never changes what a pattern matches; Go spellings."""

from __future__ import annotations

import re

import pytest

from brandbot.rules.patterns import compile_fast, format_message, leading_class, translate

TEXT = (
    "Our cheap, Cheap plans utilize TW Backup (TWB) and TidewellTM or ATM (TM) ™ Tidewell Vault's 30 day trial, "
    "a thirty-day free trial or a 1-month trial. x-y [a] a-b 3 GB, 10 TB; e.g. the API.  Two  spaces. "
    "\u2019s curly\u2019s \u2018quoted\u2019 #tag @handle tidewell.example/terms.\n"
    "RPO RTO recovery point objective (RPO)\n"
    "Line two: café, naïve, ÉCOLE. 100% secure!! guarantee guaranteed\n"
)
PATTERNS = [
    r"(?m)\b(?:cheap|utilize)\b",
    r"\b[A-Z]{3,5}\b",
    r"(?:\b[A-Za-z][a-z]+[ -])+\(([A-Z]{3,5})\)",
    r"(?m)\b(?:(?:thirty|30)[ -]days? (?:free )?trial|(?:one|1)[ -]month (?:free )?trial)\b",
    r"(?m)(?:™|®|\((?:TM|tm|R|r)\)|TM(?<![A-Z]TM)\b)",
    r"a?b",
    r"(?:a|)b",
    r"[-a]x",
    r"[^a]b",
    r"\d+ [GT]B",
    r"x*y",
    r"(?i)the\b",
    r"(?P<n>Tide)well",
    r"(?i:tide)well",
    r"\.\s",
    r" {2,}",
    r"(?m)^L",
    r"[\]a]",
    r"(?=T)T\w+",
    r"(?x) a b",
    "\u2019s",
    r"[a&]b",
    r"\bguarantee[sd]?\b",
    r"[A-Z]{2,}|\d+%",
    r"!+|\?",
    r"(?:É|é)\w+",
]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_the_lookahead_never_changes_the_matches(pattern: str, flags: int) -> None:
    plain = [(found.span(), found.groups()) for found in re.compile(pattern, flags).finditer(TEXT)]
    fast = [(found.span(), found.groups()) for found in compile_fast(pattern, flags).finditer(TEXT)]
    assert fast == plain


@pytest.mark.parametrize(
    ("pattern", "leading"),
    [
        (r"\b(?:cheap|utilize)\b", "cu"),
        (r"\b[A-Z]{3,5}\b", "A-Z"),
        (r"(?:thirty|30)[ -]days?|(?:one|1) month", "t3o1"),
        (r"a?b", None),
        (r"(?:a|)b", None),
        (r".b", None),
        (r"[^a]b", None),
    ],
)
def test_leading_class(pattern: str, leading: str | None) -> None:
    assert leading_class(pattern) == leading


def test_go_spellings_are_translated() -> None:
    assert re.fullmatch(translate(r"[\x{1F600}-\x{1F64F}]"), "😀")
    assert re.search("cheap|" + translate("(?i)tidewell"), "TIDEWELL")  # one token among others
    assert re.search(translate(r"end\z"), "the end")


def test_format_message_fills_placeholders_in_order() -> None:
    assert format_message("Use '%s' instead of '%s'.", "a", "b") == "Use 'a' instead of 'b'."
    assert format_message("100% sure about '%s'", "x") == "100% sure about 'x'"
    assert format_message("'%s' and '%s'", "only") == "'only' and ''"
    assert format_message("No placeholder.", "x") == "No placeholder."
