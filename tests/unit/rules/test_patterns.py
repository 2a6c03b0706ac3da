"""Regex helpers: the speed-up lookahead never changes what a pattern matches; Vale's regex
flavour (.NET's: inline flags anywhere, look-behind of any width); the per-rule time limit."""

from __future__ import annotations

import threading
import time

import pytest

from brandbot.rules import matching
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
@pytest.mark.parametrize("flags", [0, matching.IGNORECASE])
def test_the_lookahead_never_changes_the_matches(pattern: str, flags: int) -> None:
    plain = [(found.span(), found.groups()) for found in matching.compile(pattern, flags).finditer(TEXT)]
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


def _finds(pattern: str, text: str) -> list[str]:
    return matching.compile(translate(pattern)).findall(text)


def test_go_and_dotnet_spellings_are_translated() -> None:
    assert _finds(r"[\x{1F600}-\x{1F64F}]", "😀") == ["😀"]
    assert _finds(r"end\z", "the end") == ["end"]
    assert _finds(r"(?<w>ab)\k<w>", "abab") == ["abab"]


def test_inline_flags_hold_to_the_end_of_their_group_as_in_dotnet() -> None:
    assert _finds(r"\b(?:cheap|(?i)tidewell|vault)\b", "Cheap TIDEWELL VAULT") == ["TIDEWELL", "VAULT"]
    assert _finds(r"(?:a(?i)b)c", "aBc aBC") == ["aBc"]


def test_lookbehind_of_any_width() -> None:
    assert _finds(r"(?<!:[^ ]+?):\s[A-Z]", "Note: This and a:b: C") == [": T"]


def test_brackets_and_doubled_signs_in_a_class_are_plain_characters() -> None:
    assert _finds(r"[[(]x", "[x (x") == ["[x", "(x"]
    assert _finds(r"[a--]+", "a--b") == ["a--"]
    assert _finds(r"[]a]", "]") == ["]"]


def test_a_pattern_past_its_time_limit_raises_and_other_threads_run_meanwhile() -> None:
    pattern = matching.compile(r"(a|aa)+b")
    ticks = []
    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.monotonic()
    try:
        with matching.time_limit(0.2), pytest.raises(matching.RuleTimeout):
            list(pattern.finditer("a" * 80))
    finally:
        stop.set()
        ticker.join()
    assert time.monotonic() - started < 2
    assert len([at for at in ticks if at > started + 0.05]) > 5  # the GIL was free while it matched


def test_the_time_limit_is_shared_by_every_search_of_one_rule() -> None:
    pattern = matching.compile(r"x")
    with matching.time_limit(0.05):
        time.sleep(0.06)
        with pytest.raises(matching.RuleTimeout):
            pattern.search("x")
    assert pattern.search("x") is not None  # outside a limit: none


def test_format_message_fills_placeholders_in_order() -> None:
    assert format_message("Use '%s' instead of '%s'.", "a", "b") == "Use 'a' instead of 'b'."
    assert format_message("100% sure about '%s'", "x") == "100% sure about 'x'"
    assert format_message("'%s' and '%s'", "only") == "'only' and ''"
    assert format_message("No placeholder.", "x") == "No placeholder."
