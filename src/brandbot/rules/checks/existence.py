"""`existence`: any match of `tokens` (word-bounded unless `nonword`) or `raw` is an alert."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import Exceptions, alternation, compile_pattern, format_message, shown, translated


@dataclass(frozen=True, slots=True)
class Existence:
    definition: Definition
    pattern: Pattern
    exceptions: Exceptions

    def find(self, doc: Document) -> Iterator[Finding]:
        for text, offset in doc.segments(self.definition.scope):
            for found in self.pattern.finditer(text):
                start, end = found.span()
                if start == end or self.exceptions.exempt(text, start, end):
                    continue
                yield Finding(offset + start, offset + end, format_message(self.definition.message, shown(found[0])))


def build(source: RuleSource) -> Existence:
    keys = source.keys
    tokens = [token for token in translated(keys.texts("tokens")) if token.strip()]
    raw = "".join(translated(keys.texts("raw")))  # pieces of one pattern, valid only together
    if not tokens and not raw:
        raise keys.error("tokens", "existence needs 'tokens' or 'raw'")
    nonword = keys.flag("nonword")
    pattern = alternation(tokens, word=not nonword) if tokens else ""
    pattern = pattern + raw if keys.flag("append") else raw + pattern
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    vocab = source.accepted if keys.flag("vocab", default=True) and not nonword else ()
    return Existence(
        source.definition,
        compile_pattern(keys, "tokens" if tokens else "raw", pattern, flags, tokens),
        Exceptions.build(keys, keys.texts("exceptions"), vocab),
    )


EXISTENCE = CheckType(frozenset({"tokens", "raw", "append", "ignorecase", "nonword", "exceptions", "vocab"}), build)
