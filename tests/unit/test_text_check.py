"""Checking a text someone wrote: the installed brand rules (a small style written here, installed
as a version), the format's rules and length when a format is named, the guideline passages
that apply from real Chroma and the real embedding model, the verdict, and the rewrite request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.rules import Level
from brandbot.services import Services
from brandbot.workflow.text_check import (
    MAX_CHECK_CHARS,
    TextInvalid,
    Verdict,
    check_text,
    parse,
    rewrite_request,
    rule_hits,
)
from tests.support.fake_llm import FakeLLM

GUIDES = {
    "pricing.md": b"# Pricing\n\n## Talking about price\n\nSay affordable, never cheap, about our prices.",
    "voice.md": b"# Voice\n\n## Tone\n\nCalm and plain. No hype words such as revolutionary or game-changing.",
    "security.md": b"# Security\n\n## Claims\n\nNever promise uptime or call a product unhackable.",
}
RULES = {
    "Cheap.yml": "extends: substitution\nmessage: Use '%s', not '%s'.\nlevel: error\nswap:\n  cheap: affordable\n",
    "Hype.yml": (
        "extends: existence\nmessage: \"Avoid hype: '%s'.\"\nlevel: warning\n"
        "link: https://brand.example.com/voice#hype\ntokens:\n  - revolutionary\n"
    ),
    "Filler.yml": (
        "extends: existence\nmessage: \"Cut '%s'.\"\nlevel: suggestion\naction:\n  name: remove\ntokens:\n  - very\n"
    ),
    "Exclaim.yml": "extends: existence\nmessage: No exclamation marks on LinkedIn.\nlevel: error\nraw:\n  - '!'\n",
}
CONFIG = (
    "styles: [Brand]\nrules: {Brand.Exclaim: 'off'}\n"
    "contexts:\n  - when: {format: linkedin_post}\n    rules: {Brand.Exclaim: error}\n"
)


def _reader(data: bytes) -> Callable[[], bytes]:
    return lambda: data


@pytest.fixture
def services(settings: Settings, tmp_path: Path) -> Iterator[Services]:
    built = Services(settings, llm=FakeLLM().client(settings))
    built.knowledge_base.add([SourceFile(name, len(data), _reader(data)) for name, data in GUIDES.items()], "admin")
    style = tmp_path / "styles"
    (style / "Brand").mkdir(parents=True)
    for name, rule in RULES.items():
        (style / "Brand" / name).write_text(rule)
    (style / "config.yml").write_text(CONFIG)
    library.add(settings, built.db, style, actor="admin")
    yield built
    built.close()


def test_hits_carry_level_message_words_line_fix_and_link(services: Services) -> None:
    checked = check_text(
        "Hello.\nTidewell Backup is cheap and revolutionary.", services.rules(), services.knowledge_base
    )
    cheap, hype = checked.hits
    assert (cheap.check, cheap.level, cheap.match, cheap.line, cheap.fix) == (
        "Brand.Cheap",
        Level.error,
        "cheap",
        2,
        "affordable",
    )
    assert cheap.message == "Use 'affordable', not 'cheap'."
    assert (hype.level, hype.match, hype.fix, hype.link) == (
        Level.warning,
        "revolutionary",
        None,
        "https://brand.example.com/voice#hype",
    )
    assert checked.verdict is Verdict.errors
    assert checked.rules_version is not None
    assert list(checked.by_level()) == [Level.error, Level.warning]


def test_the_passages_that_apply_come_first_with_their_citation(services: Services) -> None:
    checked = check_text("Our plans are cheap.", services.rules(), services.knowledge_base)
    assert 1 <= len(checked.passages) <= 3
    top = checked.passages[0]
    assert top.source == "pricing.md" and "never cheap" in top.text
    assert "Talking about price" in top.citation and f"version {top.version[:8]}" in top.citation
    hype = check_text("A revolutionary release.", services.rules(), services.knowledge_base)
    assert hype.passages[0].source == "voice.md"


def test_the_verdict_is_clean_or_warnings_without_errors(services: Services) -> None:
    clean = check_text("Tidewell Backup keeps your files safe.", services.rules(), services.knowledge_base)
    assert clean.hits == () and clean.verdict is Verdict.clean
    filler = check_text("It is very calm.", services.rules(), services.knowledge_base)
    [hit] = filler.hits
    assert (hit.level, hit.fix) == (Level.suggestion, "")  # remove: the fix is to delete the words
    assert filler.verdict is Verdict.warnings


def test_a_named_format_brings_its_rules_and_its_length(services: Services) -> None:
    rules = services.rules()
    assert rule_hits("Big news!", rules)[0] == []
    fmt, text = parse("linkedin_post: Big news!")
    assert (fmt, text) == ("linkedin_post", "Big news!")
    [exclaim] = rule_hits(text, rules, fmt)[0]
    assert (exclaim.check, exclaim.level, exclaim.match) == ("Brand.Exclaim", Level.error, "!")
    long_post = "Calm words. " * 30
    [length] = rule_hits(long_post, rules, "x_post")[0]
    assert length.check == "length" and length.level is Level.error and "of at most 280" in length.message
    assert rule_hits(long_post, rules, "linkedin_post")[0] == []


def test_parse_takes_only_a_known_format_and_refuses_nothing_or_too_much() -> None:
    assert parse("note: keep it calm") == (None, "note: keep it calm")
    assert parse("X_Post:  short and calm") == ("x_post", "short and calm")
    assert parse("Pricing: it is cheap") == (None, "Pricing: it is cheap")
    for empty in ("", "   ", "email:  "):
        with pytest.raises(TextInvalid, match="no text to check"):
            parse(empty)
    with pytest.raises(TextInvalid, match=f"{MAX_CHECK_CHARS + 1:,} characters long"):
        parse("a" * (MAX_CHECK_CHARS + 1))
    assert parse("a" * MAX_CHECK_CHARS)[1] == "a" * MAX_CHECK_CHARS


def test_the_rewrite_request_names_the_hits_and_fits_a_request(services: Services, settings: Settings) -> None:
    text = "Tidewell Backup is cheap and revolutionary!"
    hits, _ = rule_hits(text, services.rules(), "linkedin_post")
    request = rewrite_request(text, "linkedin_post", hits)
    assert request.startswith("Rewrite this LinkedIn post on-brand")
    assert "- Brand.Cheap: Use 'affordable', not 'cheap'. (found: \"cheap\")" in request
    assert request.index("Brand.Cheap") < request.index("Brand.Hype")  # errors first
    assert request.endswith(f"Text:\n{text}")
    longest = rewrite_request("word " * (MAX_CHECK_CHARS // 5), None, hits * 10)
    assert len(longest) <= settings.max_request_chars
    assert "and 22 more" in longest and "Rewrite this text on-brand" in longest
    assert "flag nothing" in rewrite_request("Calm.", None, [])
