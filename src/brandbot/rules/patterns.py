"""Regular expressions the way Vale builds them, compiled once at load time.

Vale styles are written for Go's regexp; `translate` turns the Go-only spellings that styles
use in practice into Python's, so a brand's existing style drops in unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from brandbot.rules.keys import Keys

WORD_TEMPLATE = r"(?m)\b(?:{})\b"
NONWORD_TEMPLATE = r"(?m)(?:{})"

_LEADING_FLAGS = re.compile(r"^\(\?([imsx]+)\)")
_GO_HEX = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
_PHRASE_WINDOW = 200
"""How far around a match to look for a longer exception that contains it."""


def translate(pattern: str) -> str:
    """Go's `\\x{1F600}` and `\\z`, and a leading `(?i)` scoped to its own alternative, which
    Python refuses anywhere but at the very start of the combined pattern."""
    pattern = _GO_HEX.sub(lambda match: f"\\U{int(match[1], 16):08X}", pattern).replace(r"\z", r"\Z")
    flags = _LEADING_FLAGS.match(pattern)
    if flags:
        pattern = f"(?{flags[1]}:{pattern[flags.end() :]})"
    return pattern


def compile_pattern(keys: Keys, key: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise keys.error(key, f"bad regex: {error}") from None


def checked(keys: Keys, key: str, tokens: Iterable[str]) -> list[str]:
    """Each token translated and compiled on its own first, so an error names the bad one."""
    result = []
    for token in tokens:
        translated = translate(token)
        try:
            re.compile(translated)
        except re.error as error:
            raise keys.error(key, f"bad regex '{token}': {error}") from None
        result.append(translated)
    return result


def alternation(tokens: Iterable[str], word: bool) -> str:
    return (WORD_TEMPLATE if word else NONWORD_TEMPLATE).format("|".join(tokens))


def has_capture_group(pattern: str) -> bool:
    return re.compile(pattern).groups > 0


def format_message(message: str, *values: str) -> str:
    """Vale's `%s` placeholders, filled in order; missing values leave them empty."""
    parts = message.split("%s")
    if len(parts) == 1:
        return message
    filled = [parts[0]]
    for index, part in enumerate(parts[1:]):
        filled.append(values[index] if index < len(values) else "")
        filled.append(part)
    return "".join(filled)


@dataclass(frozen=True, slots=True)
class Exceptions:
    """A rule's `exceptions` plus the vocabulary's accepted terms.

    A match is exempt when it *is* an exception, or lies inside a longer one in the text
    ("Tidewell Backup" exempts "Backup"); unlike Vale, merely containing one does not exempt
    it, so an accepted "Tidewell" does not hide "Tidewell backup" from a rule about it.
    Exceptions are case-sensitive, as in Vale; give one `(?i)` to relax it.
    """

    pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, keys: Keys, own: Iterable[str], accepted: Iterable[str] = ()) -> Exceptions:
        terms = checked(keys, "exceptions", own) + [translate(term) for term in accepted]
        if not terms:
            return cls()
        terms.sort(key=len, reverse=True)  # the longest alternative wins, as in Vale
        return cls(compile_pattern(keys, "exceptions", alternation(terms, word=True)))

    def exempt(self, text: str, start: int, end: int) -> bool:
        if self.pattern is None:
            return False
        if self.pattern.fullmatch(text[start:end].strip()):
            return True
        window_start, window_end = max(0, start - _PHRASE_WINDOW), min(len(text), end + _PHRASE_WINDOW)
        return any(
            found.start() <= start and found.end() >= end
            for found in self.pattern.finditer(text, window_start, window_end)
        )
