"""`occurrence`: too many matches of `token` in one scope (`max`), or too few (`min`; zero
matches with `min: 1` is how a required phrase, such as a disclaimer, is written)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import checked, compile_pattern, format_message


@dataclass(frozen=True, slots=True)
class Occurrence:
    definition: Definition
    pattern: Pattern
    min: int = 0
    max: int = 0

    def find(self, doc: Document) -> Iterator[Finding]:
        message = self.definition.message
        for text, offset in doc.segments(self.definition.scope):
            matches = [found for found in self.pattern.finditer(text) if found.end() > found.start()]
            if self.max and len(matches) > self.max:
                excess = matches[self.max]  # the first match past the limit
                yield Finding(offset + excess.start(), offset + excess.end(), format_message(message, excess[0]))
            elif self.min and len(matches) < self.min:
                yield Finding(offset, offset, format_message(message, ""))


def build(source: RuleSource) -> Occurrence:
    keys = source.keys
    (token,) = checked(keys, "token", [keys.text("token", required=True)])
    minimum, maximum = keys.count("min"), keys.count("max")
    if not minimum and not maximum:
        raise keys.error("max", "occurrence needs 'min' or 'max' above 0")
    if maximum and minimum > maximum:
        raise keys.error("min", f"{minimum} is more than max {maximum}")
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    return Occurrence(source.definition, compile_pattern(keys, "token", f"(?m)(?:{token})", flags), minimum, maximum)


OCCURRENCE = CheckType(frozenset({"token", "min", "max", "ignorecase"}), build)
