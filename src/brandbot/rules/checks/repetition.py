"""`repetition`: the same token twice in a row ("the the"). Two matches count as in a row
when only whitespace separates them, so "that. That" across sentences is not flagged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import Exceptions, compile_pattern, format_message, shown, translated


@dataclass(frozen=True, slots=True)
class Repetition:
    definition: Definition
    pattern: Pattern
    exceptions: Exceptions
    ignorecase: bool = False
    alpha: bool = False
    max: int = 0
    """Repeats allowed before an alert."""

    def find(self, doc: Document) -> Iterator[Finding]:
        for text, offset in doc.segments(self.definition.scope):
            previous: matching.Match[str] | None = None
            repeats = 0
            for found in self.pattern.finditer(text):
                if previous is not None and self._repeats(text, previous, found):
                    repeats += 1
                    start, end = previous.start(), found.end()
                    if repeats > self.max and not self.exceptions.exempt(text, start, end):
                        yield Finding(
                            offset + start, offset + end, format_message(self.definition.message, shown(found[0]))
                        )
                        repeats = 0
                else:
                    repeats = 0
                previous = found

    def _repeats(self, text: str, previous: matching.Match[str], current: matching.Match[str]) -> bool:
        before, now = previous[0].strip(), current[0].strip()
        same = before.casefold() == now.casefold() if self.ignorecase else before == now
        return (
            same
            and bool(now)
            and (not self.alpha or now.isalpha())
            and not text[previous.end() : current.start()].strip()
        )


def build(source: RuleSource) -> Repetition:
    keys = source.keys
    tokens = translated(keys.texts("tokens", required=True))
    if not tokens:
        raise keys.error("tokens", "needs at least one token")
    ignorecase = keys.flag("ignorecase")
    vocab = source.accepted if keys.flag("vocab", default=True) else ()
    return Repetition(
        source.definition,
        compile_pattern(
            keys, "tokens", f"(?m)(?:{'|'.join(tokens)})", matching.IGNORECASE if ignorecase else 0, tokens
        ),
        Exceptions.build(keys, keys.texts("exceptions"), vocab),
        ignorecase,
        keys.flag("alpha"),
        keys.count("max"),
    )


REPETITION = CheckType(frozenset({"tokens", "alpha", "ignorecase", "max", "exceptions", "vocab"}), build)
