"""`consistency`: both spellings of an `either` pair in one scope ("advisor" and "adviser").
The alert marks the first use of whichever spelling came second."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document, Segment
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import alternation, compile_pattern, format_message, shown, translated, without_captures


@dataclass(frozen=True, slots=True)
class Consistency:
    definition: Definition
    pairs: tuple[Pattern, ...]
    """One pattern per pair: group 1 is one spelling, group 2 the other."""

    def find(self, doc: Document) -> Iterator[Finding]:
        segments = doc.segments(self.definition.scope)
        for pattern in self.pairs:
            yield from self._first_change(pattern, segments)

    def _first_change(self, pattern: Pattern, segments: list[Segment]) -> Iterator[Finding]:
        """Spellings are remembered across the scope's blocks: the whole draft is one voice."""
        first_group = 0
        for text, offset in segments:
            for found in pattern.finditer(text):
                if not first_group:
                    first_group = found.lastindex or 1
                elif found.lastindex != first_group:
                    message = format_message(self.definition.message, shown(found[0]))
                    yield Finding(offset + found.start(), offset + found.end(), message)
                    return


def build(source: RuleSource) -> Consistency:
    keys = source.keys
    either = keys.text_map("either", required=True)
    if not either:
        raise keys.error("either", "needs at least one pair")
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    word = not keys.flag("nonword")
    pairs = []
    for one, other in either.items():
        tokens = [without_captures(token) for token in translated([one, other])]
        pattern = alternation([f"({tokens[0]})", f"({tokens[1]})"], word=word)
        pairs.append(compile_pattern(keys, f"either.{one}", pattern, flags, tokens))
    return Consistency(source.definition, tuple(pairs))


CONSISTENCY = CheckType(frozenset({"either", "ignorecase", "nonword"}), build)
