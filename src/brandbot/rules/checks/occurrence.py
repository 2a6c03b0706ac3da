"""`occurrence`: too many matches of `token` in one scope (`max`), or too few (`min`; zero
matches with `min: 1` is how a required phrase, such as a disclaimer, is written).

As in Vale, the alert points at the scope's first match that isn't masked code (at the start of
the draft when there is none), and `%s` in the message is the number of matches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import compile_pattern, format_message, translate


@dataclass(frozen=True, slots=True)
class Occurrence:
    definition: Definition
    pattern: Pattern
    min: int = 0
    max: int = 0

    def find(self, doc: Document) -> Iterator[Finding]:
        for text, offset in doc.segments(self.definition.scope):
            matches = list(self.pattern.finditer(text))
            count = len(matches)
            if not (self.max and count > self.max) and not (self.min and count < self.min):
                continue
            message = format_message(self.definition.message, str(count))
            if not matches:
                yield Finding(0, 0, message)
                continue
            shown = next((found for found in matches if found[0].strip() and not _is_code(found[0])), None)
            if shown is not None:
                yield Finding(offset + shown.start(), offset + shown.end(), message)


def _is_code(match: str) -> bool:
    return all(char in "*@" or char.isspace() for char in match)


def build(source: RuleSource) -> Occurrence:
    keys = source.keys
    token = translate(keys.text("token", required=True))
    minimum, maximum = keys.count("min"), keys.count("max")
    if not minimum and not maximum:
        raise keys.error("max", "occurrence needs 'min' or 'max' above 0")
    if maximum and minimum > maximum:
        raise keys.error("min", f"{minimum} is more than max {maximum}")
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    return Occurrence(
        source.definition, compile_pattern(keys, "token", f"(?:{token})", flags, [token]), minimum, maximum
    )


OCCURRENCE = CheckType(frozenset({"token", "min", "max", "ignorecase"}), build)
