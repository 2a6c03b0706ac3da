"""What a change request asks about wording, read from its note with a few plain patterns, so
that "use 'affordable' instead of 'cheap'" counts like an edit that made that change.

The patterns (case-insensitive; a PHRASE is quoted, straight, curly or `x`, or one bare word):
- `use|say|write|prefer NEW instead of|rather than OLD`      -> replace OLD with NEW
- `replace|swap OLD with|by|for NEW`                          -> replace OLD with NEW
- `'NEW', not 'OLD'` (both quoted: bare words say too little) -> replace OLD with NEW
- `avoid|don't say|do not use|never write|no more OLD`        -> flag OLD
  (`don't`, `do not` and `never` take say, use or write; "the word" may come before OLD)

Anything else in a note is feedback for the next draft, not a rule.
"""

from __future__ import annotations

from typing import NamedTuple

import regex

_QUOTED = r"""["'\u2018\u201c`]([^"'\u2018\u2019\u201c\u201d`\n]{1,100})["'\u2019\u201d`]"""
_PHRASE = rf"(?|{_QUOTED}|([\w'\u2019-]+))"
_VERB = r"(?:say|use|write)"
_PATTERNS = (
    # (pattern, the group holding OLD, the group holding NEW or 0 for none)
    (rf"\b(?:use|say|write|prefer)\s+{_PHRASE}\s+(?:instead\s+of|rather\s+than)\s+{_PHRASE}", 2, 1),
    (rf"\b(?:replace|swap)\s+{_PHRASE}\s+(?:with|by|for)\s+{_PHRASE}", 1, 2),
    (rf"{_QUOTED},?\s+not\s+{_QUOTED}", 2, 1),
    (
        rf"\b(?:avoid|(?:don['\u2019]?t|do\s+not|never)\s+{_VERB}|no\s+more)\s+(?:the\s+words?\s+)?{_PHRASE}",
        1,
        0,
    ),
)
_COMPILED = tuple((regex.compile(pattern, regex.IGNORECASE), old, new) for pattern, old, new in _PATTERNS)


class Asked(NamedTuple):
    """A wording change a note asks for: `avoid` replaced by `prefer`, or just flagged (None)."""

    avoid: str
    prefer: str | None


def asked(note: str) -> list[Asked]:
    """Every wording change the note asks for, in the order written."""
    found: list[tuple[int, Asked]] = []
    for pattern, old, new in _COMPILED:
        for match in pattern.finditer(note):
            found.append((match.start(), Asked(match[old].strip(), match[new].strip() if new else None)))
    return [change for _, change in sorted(found)]
