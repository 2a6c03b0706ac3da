"""`conditional`: a match of `first` needs `second` somewhere in the draft.

When `second` has a capture group, each `first` match must be one of its captured values (an
acronym needs its own definition, "recovery point objective (RPO)"); without one, any `second`
match satisfies every `first`. The draft is searched as a whole, so a definition counts
wherever it appears.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import Exceptions, compile_pattern, format_message, translate


@dataclass(frozen=True, slots=True)
class Conditional:
    definition: Definition
    first: Pattern
    second: Pattern
    exceptions: Exceptions

    def find(self, doc: Document) -> Iterator[Finding]:
        satisfied: Callable[[str], bool] | None = None
        for text, offset in doc.segments(self.definition.scope):
            for found in self.first.finditer(text):
                start, end = found.span()
                if start == end or self.exceptions.exempt(text, start, end):
                    continue
                if satisfied is None:
                    satisfied = self._satisfied_by(doc.prose)
                if not satisfied(found[0]):
                    yield Finding(offset + start, offset + end, format_message(self.definition.message, found[0]))

    def _satisfied_by(self, prose: str) -> Callable[[str], bool]:
        if not self.second.groups:
            present = self.second.search(prose) is not None
            return lambda _: present
        captured = {value for found in self.second.finditer(prose) for value in found.groups() if value}
        return captured.__contains__


def build(source: RuleSource) -> Conditional:
    keys = source.keys
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    first = translate(keys.text("first", required=True))
    second = translate(keys.text("second", required=True))
    vocab = source.accepted if keys.flag("vocab", default=True) else ()
    return Conditional(
        source.definition,
        compile_pattern(keys, "first", f"(?m){first}", flags, [first]),
        compile_pattern(keys, "second", f"(?m){second}", flags, [second]),
        Exceptions.build(keys, keys.texts("exceptions"), vocab),
    )


CONDITIONAL = CheckType(frozenset({"first", "second", "ignorecase", "exceptions", "vocab"}), build)
