"""Checking a text someone wrote themselves: is it on-brand?

The same brand rules every draft is checked with (`RuleSet.run`, as `brandbot rules check` and
the workflow's `check` node run them), the format's length check when a format is named, and
the guideline passages that apply (hybrid retrieval on the text and what the rules flagged).
Nothing is drafted and nothing goes to approval; "Rewrite on-brand" turns a check into an
ordinary draft request (`rewrite_request`).

A format is named with a prefix: `linkedin_post: Our new plan is cheap`. Without one, the rules
that apply to any format are run (`DraftContext()`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from brandbot.formats import FORMATS, format_for
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.guidelines.retrieval import Passage
from brandbot.rules import DraftContext, Level, RuleFailure, RuleSet
from brandbot.workflow.checks import check_draft
from brandbot.workflow.limits import too_long

MAX_CHECK_CHARS = max(fmt.max_chars for fmt in FORMATS.values())
"""The longest text any format allows (a blog post): longer is not content brandbot drafts."""
PASSAGES = 3
QUERY_CHARS = 2000
"""Of the text, what retrieval reads: the embedding model reads far less, BM25 needs no more."""
REWRITE_TEXT_CHARS = 2500
"""Of the text, what a rewrite request quotes, leaving room for the hits within `max_request_chars`."""
REWRITE_HITS = 8
_PREFIX = re.compile(r"\A\s*(?P<format>[a-z_]+)\s*:\s*", re.IGNORECASE)
_LEVEL_ORDER = {Level.error: 0, Level.warning: 1, Level.suggestion: 2}


class TextInvalid(ValueError):
    """The text cannot be checked as given; the message says why."""


class Verdict(enum.StrEnum):
    clean = "clean"
    """No rule fired."""
    warnings = "warnings"
    """Only warnings or suggestions: publishable, but worth a look."""
    errors = "errors"
    """At least one error-level hit: a draft with it would be sent back."""


@dataclass(frozen=True)
class RuleHit:
    check: str
    level: Level
    message: str
    match: str
    """The words the rule matched, as written ("" for a rule about the whole text)."""
    line: int
    fix: str | None
    """What the rule offers in their place, best first: "" means delete them; None, no fix."""
    link: str = ""


@dataclass(frozen=True)
class TextCheck:
    text: str
    format: str | None
    hits: tuple[RuleHit, ...]
    passages: tuple[Passage, ...]
    failures: tuple[RuleFailure, ...] = ()
    """Rules that could not give their verdict (ran past their time limit)."""
    rules_version: int | None = None
    rules_installed: bool = True
    """False on a deployment with no brand rules: no hit then means nothing was checked, not a clean text."""

    @property
    def verdict(self) -> Verdict:
        if any(hit.level is Level.error for hit in self.hits):
            return Verdict.errors
        return Verdict.warnings if self.hits else Verdict.clean

    def by_level(self) -> dict[Level, list[RuleHit]]:
        """Errors first, then warnings, then suggestions; levels without hits left out."""
        grouped: dict[Level, list[RuleHit]] = {}
        for hit in sorted(self.hits, key=lambda hit: _LEVEL_ORDER[hit.level]):
            grouped.setdefault(hit.level, []).append(hit)
        return grouped


def parse(text: str) -> tuple[str | None, str]:
    """(format, the text to check) for `linkedin_post: TEXT`; no format when the text does not
    start with a known format's name and a colon. TextInvalid when nothing is left to check,
    or too much."""
    found = _PREFIX.match(text)
    if found is not None and found.group("format").lower() in FORMATS:
        fmt, text = found.group("format").lower(), text[found.end() :]
    else:
        fmt = None
    _validate(text)
    return fmt, text


def _validate(text: str) -> None:
    if not text.strip():
        raise TextInvalid("There is no text to check.")
    problem = too_long(text, MAX_CHECK_CHARS, "text")
    if problem:
        raise TextInvalid(problem)


def check_text(
    text: str, rules: RuleSet, knowledge_base: KnowledgeBase, fmt: str | None = None, passages: int = PASSAGES
) -> TextCheck:
    """The rule hits and the passages that apply. TextInvalid for an empty or too long text,
    or a format brandbot does not know."""
    hits, failures = rule_hits(text, rules, fmt)
    query = "\n".join([text[:QUERY_CHARS], *dict.fromkeys(hit.message for hit in hits)])
    found = knowledge_base.search(query, passages) if passages else []
    return TextCheck(text, fmt, tuple(hits), tuple(found), failures, rules.version, len(rules) > 0)


def rule_hits(text: str, rules: RuleSet, fmt: str | None = None) -> tuple[list[RuleHit], tuple[RuleFailure, ...]]:
    """The rules' hits, and with a format its length limit as an error hit (the workflow's own
    check); the rules that failed to run."""
    _validate(text)
    try:
        context = DraftContext(format=fmt)
    except ValueError as error:
        raise TextInvalid(str(error)) from None
    report = rules.run(text, context)
    hits = [
        RuleHit(
            alert.check,
            alert.level,
            alert.message,
            alert.match,
            alert.line,
            alert.replacements[0] if alert.replacements else None,
            alert.link,
        )
        for alert in report.alerts
    ]
    if fmt is not None:
        hits += [
            RuleHit(result.name, Level.error, result.message, "", 1, None)
            for result in check_draft(text, format_for(fmt))
            if not result.passed
        ]
    return hits, report.failures


def rewrite_request(text: str, fmt: str | None, hits: list[RuleHit]) -> str:
    """A draft request to rewrite `text` on-brand, naming what the rules flagged: plain text,
    for the drafter (and the intake that reads the format from it)."""
    kind = format_for(fmt).label if fmt else "text"
    quoted = text if len(text) <= REWRITE_TEXT_CHARS else text[:REWRITE_TEXT_CHARS] + "…"
    hits = sorted(hits, key=lambda hit: _LEVEL_ORDER[hit.level])
    lines = [f"- {hit.check}: {hit.message}" + (f' (found: "{hit.match[:80]}")' if hit.match else "") for hit in hits]
    if len(lines) > REWRITE_HITS:
        lines = [*lines[:REWRITE_HITS], f"- and {len(lines) - REWRITE_HITS} more"]
    fix = "Fix what the brand rules flagged:\n" + "\n".join(lines) if lines else "The brand rules flag nothing in it."
    return (
        f"Rewrite this {kind} on-brand, keeping what it says, following the brand guidelines and rules.\n"
        f"{fix}\n\nText:\n{quoted}"
    )
