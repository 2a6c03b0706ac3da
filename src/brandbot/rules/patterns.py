"""Regular expressions the way Vale builds them, compiled once at load time.

Vale compiles rules with regexp2 (.NET's flavour); `translate` turns the few spellings the
`regex` package reads differently into its own, so a brand's existing style drops in unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from brandbot.rules import matching
from brandbot.rules.keys import Keys
from brandbot.rules.matching import Pattern

WORD_TEMPLATE = r"(?m)\b(?:{})\b"
NONWORD_TEMPLATE = r"(?m)(?:{})"

_GO_HEX = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
_NAMED_BACKREFERENCE = re.compile(r"\\k<(\w+)>|\\k'(\w+)'")
_GLOBAL_FLAGS = re.compile(r"^(?:\(\?[aiLmsux]+\))+")
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")
_SET_OPERATORS = ("--", "&&", "||", "~~")
_WHITESPACE_RUN = re.compile(r"\s+")
_CAPTURE_OPEN = re.compile(r"(?<!\\)\((?!\?)")
_PHRASE_WINDOW = 200
"""How far around a match to look for a longer exception that contains it."""


def translate(pattern: str) -> str:
    """`\\x{1F600}`, `\\z` and `\\k<name>` in the `regex` package's spelling, and a `[` or a
    doubled `-&|~` inside a class escaped: .NET reads them as plain characters, `regex` as
    nested sets and set operations."""
    pattern = _GO_HEX.sub(lambda match: f"\\U{int(match[1], 16):08X}", pattern).replace(r"\z", r"\Z")
    pattern = _NAMED_BACKREFERENCE.sub(lambda match: f"\\g<{match[1] or match[2]}>", pattern)
    return _plain_classes(pattern) if "[" in pattern else pattern


def _plain_classes(pattern: str) -> str:
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if not in_class and char == "[":
            in_class = True
            out.append(char)
            index += 1
            if pattern.startswith("^", index):
                out.append("^")
                index += 1
            if pattern.startswith("]", index):  # a leading ] is a character, as in .NET
                out.append("\\]")
                index += 1
            continue
        if in_class and char == "]":
            in_class = False
        elif in_class and char == "[":
            char = "\\["
        elif in_class and pattern.startswith(_SET_OPERATORS, index):
            out.append(f"\\{char}\\{char}")
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def compile_pattern(keys: Keys, key: str, pattern: str, flags: int = 0, parts: Iterable[str] = ()) -> Pattern:
    """`parts` are the key's own tokens the pattern is made of: when it doesn't compile, the
    error names the bad one (compiling each up front would double the load time)."""
    try:
        return compile_fast(pattern, flags)
    except matching.error as error:
        for part in parts:
            try:
                matching.compile(part)
            except matching.error as bad:
                raise keys.error(key, f"bad regex '{part}': {bad}") from None
        raise keys.error(key, f"bad regex: {error}") from None


def compile_fast(pattern: str, flags: int = 0) -> Pattern:
    """The pattern, led by a lookahead for the characters a match can start with when they can
    be worked out. The lookahead only rules positions out, so the matches are the same, but
    the engine no longer tries every alternative at every position on the word lists rules
    are made of."""
    compiled = matching.compile(pattern, flags)
    prefix = _global_flags(pattern)
    body = pattern[len(prefix) :]
    plain = not compiled.flags & matching.VERBOSE and not _INLINE_FLAGS.search(body)
    starts = leading_class(body) if plain else None
    if not starts:
        return compiled
    try:
        return matching.compile(f"{prefix}(?=[{starts}]){pattern[len(prefix) :]}", flags)
    except matching.error:
        return compiled


def _global_flags(pattern: str) -> str:
    found = _GLOBAL_FLAGS.match(pattern)
    return found[0] if found else ""


def leading_class(pattern: str) -> str | None:
    """The body of a character class that every match of `pattern` starts with, or None when
    that can't be told simply (an optional first item, `.`, an inline flag group, ...)."""
    bodies = []
    for alternative in alternatives(pattern):
        body = _first_item(alternative)
        if body is None:
            return None
        bodies.append(body)
    return "".join(bodies) or None


def alternatives(pattern: str) -> list[str]:
    """`pattern` split at its top-level `|`."""
    parts, depth, start, index = [], 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


def _class_end(pattern: str, start: int) -> int:
    """The index just past the class that opens at `start`."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def _group_end(pattern: str, start: int) -> int:
    """The index just past the group that opens at `start`."""
    depth, index = 0, start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        depth += (char == "(") - (char == ")")
        index += 1
        if depth == 0:
            return index
    return index


def _first_item(alternative: str) -> str | None:
    index = 0
    while True:  # zero-width items first: boundaries, anchors, lookarounds
        if alternative.startswith((r"\b", r"\A"), index):
            index += 2
        elif alternative.startswith("^", index):
            index += 1
        elif alternative.startswith(("(?=", "(?!", "(?<=", "(?<!"), index):
            index = _group_end(alternative, index)
        else:
            break
    char = alternative[index : index + 1]
    if char == "(":
        end = _group_end(alternative, index)
        inner = alternative[index + 1 : end - 1]
        if inner.startswith("?:"):
            inner = inner[2:]
        elif inner.startswith("?P<"):
            inner = inner[inner.index(">") + 1 :]
        elif inner.startswith("?"):
            return None
        body, after = leading_class(inner), end
    elif char == "[":
        after = _class_end(alternative, index)
        body = alternative[index + 1 : after - 1]
        if body.startswith(("^", "-")) or body.endswith("-") or any(sign in body for sign in "&~|["):
            return None
    elif char == "\\":
        escaped, after = alternative[index + 1 : index + 2], index + 2
        body = f"\\{escaped}" if escaped in ("d", "w", "s") or (escaped and not escaped.isalnum()) else None
    elif not char or char in ".$|)*+?{":
        return None
    else:
        body, after = (char if char.isalnum() else f"\\{char}"), index + 1
    if alternative[after : after + 1] in ("?", "*") or alternative.startswith(("{0", "{,"), after):
        return None
    return body


def translated(tokens: Iterable[str]) -> list[str]:
    return [translate(token) for token in tokens]


def without_captures(token: str) -> str:
    """Vale makes a swap key's groups non-capturing: the group number says which key matched."""
    return _CAPTURE_OPEN.sub("(?:", token)


def alternation(tokens: Iterable[str], word: bool) -> str:
    return (WORD_TEMPLATE if word else NONWORD_TEMPLATE).format("|".join(tokens))


def shown(match: str) -> str:
    """A match as Vale's messages quote it: untrimmed, each run of whitespace one space."""
    return _WHITESPACE_RUN.sub(" ", match)


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

    pattern: Pattern | None = None
    terms: tuple[str, ...] = ()

    @classmethod
    def build(cls, keys: Keys, own: Iterable[str], accepted: Iterable[str] = ()) -> Exceptions:
        terms = translated(own) + translated(accepted)
        if not terms:
            return cls()
        terms.sort(key=len, reverse=True)  # the longest alternative wins, as in Vale
        return cls(compile_pattern(keys, "exceptions", alternation(terms, word=True), parts=terms), tuple(terms))

    def within(self, word: str) -> bool:
        """Vale's test for one word: an exception found anywhere in it."""
        return self.pattern is not None and self.pattern.search(word) is not None

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
