"""The answer to "is this on-brand?": the rule hits grouped by level, the guideline passages that
apply with their citations, and a Rewrite on-brand button. A pure builder; everything quoted
(the text, the matched words, the rules' messages, the passages) is escaped and cut to Slack's
limits, so nothing in it becomes a mention or a link."""

from __future__ import annotations

import re
from typing import Any

from brandbot.formats import FORMATS
from brandbot.rules import Level, RuleFailure
from brandbot.slack.blocks.elements import button, context
from brandbot.slack.blocks.limits import SECTION_TEXT, mrkdwn_escape, truncate
from brandbot.workflow.text_check import RuleHit, TextCheck, Verdict

REWRITE = "text_check_rewrite"
EXCERPT = 300
"""Characters of the checked text shown above the hits."""
MATCH_CHARS = 80
MESSAGE_CHARS = 200
QUOTE = 500
"""Characters of a guideline passage quoted."""
HITS_SHOWN = 20
"""Hits listed in one message; the rest are counted. Even with every quoted character escaped
to five, 20 lines take at most 20 sections, well within 50 blocks."""
LEVEL_HEADING = {
    Level.error: ":x: *Errors*",
    Level.warning: ":warning: *Warnings*",
    Level.suggestion: ":bulb: *Suggestions*",
}
_WEB_LINK = re.compile(r"\Ahttps?://[^\s<>|]+\Z")
NO_RULES = (
    ":warning: *No brand rules are installed*, so nothing in this text was checked against them. "
    "A brandbot admin installs them by sending me a Vale rule (.yml) or a zipped style folder in a "
    "direct message, or with `brandbot rules add`."
)


def result(check: TextCheck, rewrite_value: str) -> dict[str, Any]:
    """The whole answer as one message; `rewrite_value` is what the button carries back."""
    summary = _summary(check)
    if check.rules_installed:
        text, headline = f"Brand check: {summary}", f"{_headline(check.verdict)}\n{summary}"
    else:
        text, headline = "Brand check: no brand rules are installed, so nothing was checked.", NO_RULES
    blocks: list[dict[str, Any]] = [_section(headline)]
    blocks.append(context(f"{_scope(check)} Checked: _{_inline(check.text, EXCERPT)}_"))
    shown = 0
    for level, hits in check.by_level().items():
        room = HITS_SHOWN - shown
        lines = [_hit_line(hit) for hit in hits[:room]]
        shown += len(lines)
        if len(hits) > room:
            lines.append(f"… and {len(hits) - room} more")
        if lines:
            blocks += [_section(piece) for piece in _packed([LEVEL_HEADING[level], *lines])]
    if check.failures:
        blocks.append(context(_failures(check.failures)))
    if check.passages:
        blocks.append(_section("*Guidelines that apply*"))
        for passage in check.passages:
            blocks += [_section(_quote(passage.text)), context(f":bookmark: {mrkdwn_escape(passage.citation)}")]
    blocks.append(
        {
            "type": "actions",
            "elements": [button("Rewrite on-brand", REWRITE, rewrite_value, style="primary")],
        }
    )
    return {"text": text, "blocks": blocks}


def refused(reason: str) -> str:
    """A check that could not run, with what to send instead."""
    return f":warning: {mrkdwn_escape(reason)} Send the text to check, e.g. `/brandbot check linkedin_post: TEXT`."


def _headline(verdict: Verdict) -> str:
    if verdict is Verdict.errors:
        return ":x: *Not on-brand yet*: fix the errors below before it goes out."
    if verdict is Verdict.warnings:
        return ":large_yellow_circle: *Nearly on-brand*: nothing breaks a rule, but have a look below."
    return ":white_check_mark: *On-brand as far as the brand rules go*: no rule flags this text."


def _summary(check: TextCheck) -> str:
    counts = {level: sum(1 for hit in check.hits if hit.level is level) for level in Level}

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return (
        f"{plural(counts[Level.error], 'error')}, {plural(counts[Level.warning], 'warning')} "
        f"and {plural(counts[Level.suggestion], 'suggestion')}."
    )


def _scope(check: TextCheck) -> str:
    version = f" (rules version {check.rules_version})" if check.rules_version is not None else ""
    if check.format:
        label = FORMATS[check.format].label
        return f"Checked as {'an' if label[0].lower() in 'aeiox' else 'a'} {label}{version}."
    return f"Checked with the rules for any format{version}; name one with `linkedin_post: TEXT`."


def _hit_line(hit: RuleHit) -> str:
    where = f"line {hit.line} · " if hit.match else ""
    line = f"• {where}*{mrkdwn_escape(hit.check)}*: {_inline(hit.message, MESSAGE_CHARS)}"
    if hit.match:
        line += f"\n    found “{_inline(hit.match, MATCH_CHARS)}”"
        if hit.fix == "":
            line += " → delete it"
        elif hit.fix is not None:
            line += f" → “{_inline(hit.fix, MATCH_CHARS)}”"
    if _WEB_LINK.match(hit.link):
        line += f" <{hit.link}|why>"
    return line


def _failures(failures: tuple[RuleFailure, ...]) -> str:
    names = ", ".join(mrkdwn_escape(failure.rule) for failure in failures)
    return f":hourglass: Not checked (ran past their time limit): {names}."


def _inline(text: str, limit: int) -> str:
    """One line, cut, escaped: words from a person or a rule quoted in mrkdwn."""
    return mrkdwn_escape(truncate(" ".join(text.split()), limit))


def _quote(text: str) -> str:
    quoted = mrkdwn_escape(truncate(text.strip(), QUOTE))
    return "\n".join(f"> {line}" for line in quoted.splitlines() or [""])


def _packed(lines: list[str]) -> list[str]:
    """Lines joined into as few section texts as fit."""
    pieces: list[str] = []
    for line in lines:
        if pieces and len(pieces[-1]) + 1 + len(line) <= SECTION_TEXT:
            pieces[-1] += "\n" + line
        else:
            pieces.append(truncate(line, SECTION_TEXT))
    return pieces


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT)}}
