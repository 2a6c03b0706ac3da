"""`substitution`: a `swap` key found in the text is an alert suggesting its value.

Keys are tried longest first (a key's `a|b` alternatives each in its own place); a value may
hold several suggestions (`primary|replica`), the first of which `apply_fixes` uses.
A match that already reads as one of the suggestions, letter for letter, is not an alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.matching import Pattern
from brandbot.rules.patterns import (
    Exceptions,
    alternation,
    compile_pattern,
    format_message,
    shown,
    translate,
    without_captures,
)


@dataclass(frozen=True, slots=True)
class Substitution:
    definition: Definition
    pattern: Pattern
    suggestions: tuple[tuple[str, ...], ...]
    """By capture group: group n suggests suggestions[n - 1]."""
    exceptions: Exceptions
    capitalize: bool = False

    def find(self, doc: Document) -> Iterator[Finding]:
        replacing = self.definition.action is not None and self.definition.action.name == "replace"
        for text, offset in doc.segments(self.definition.scope):
            for found in self.pattern.finditer(text):
                start, end = found.span()
                observed = found[0].strip()
                suggested = self.suggestions[(found.lastindex or 1) - 1]
                if start == end or observed in suggested or self.exceptions.exempt(text, start, end):
                    continue
                if (self.capitalize or replacing) and observed[:1].isupper():
                    suggested = tuple(suggestion[:1].upper() + suggestion[1:] for suggestion in suggested)
                yield Finding(offset + start, offset + end, self._message(suggested, shown(found[0])), suggested)

    def _message(self, suggested: tuple[str, ...], observed: str) -> str:
        message = self.definition.message
        if len(suggested) == 1:
            return format_message(message, suggested[0], observed)
        for quoted in ("'%s'", '"%s"'):  # the choices come quoted already, as in Vale
            if message.count(quoted) == 2:
                message = message.replace(quoted, "%s", 1)
        return format_message(message, _choices(suggested), observed)


def _choices(suggested: tuple[str, ...]) -> str:
    quoted = [f"'{suggestion}'" for suggestion in suggested]
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def build(source: RuleSource) -> Substitution:
    keys = source.keys
    swap = keys.text_map("swap", required=True)
    if not swap:
        raise keys.error("swap", "needs at least one entry")
    # As in Vale: the longest key is tried first, each key one group whose number says which matched.
    entries = sorted(
        ((without_captures(translate(key)), tuple(value.split("|"))) for key, value in swap.items()),
        key=lambda entry: len(entry[0]),
        reverse=True,
    )
    groups = [f"({token})" for token, _ in entries]
    nonword = keys.flag("nonword")
    flags = matching.IGNORECASE if keys.flag("ignorecase") else 0
    vocab = source.accepted if keys.flag("vocab", default=True) else ()
    return Substitution(
        source.definition,
        compile_pattern(keys, "swap", alternation(groups, word=not nonword), flags, [token for token, _ in entries]),
        tuple(suggestions for _, suggestions in entries),
        Exceptions.build(keys, keys.texts("exceptions"), vocab),
        keys.flag("capitalize"),
    )


SUBSTITUTION = CheckType(
    frozenset({"swap", "ignorecase", "nonword", "exceptions", "vocab", "capitalize"}),
    build,
)
