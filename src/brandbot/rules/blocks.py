"""The block structure every markup parses a text into, and the in-place blanking it is made
with: a `prose` copy of the text of the same length, so offsets in the prose are offsets in the
text, which is what alerts report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    """heading, paragraph, list (one list item) or blockquote."""
    start: int
    end: int
    level: int = 0
    """A heading's level, 1 to 6."""

    def excluded_by(self, exclude: frozenset[str]) -> bool:
        return self.kind in exclude or (self.kind == "heading" and f"heading.h{self.level}" in exclude)

    def selected_by(self, name: str) -> bool:
        return name == self.kind or (self.kind == "heading" and name == f"heading.h{self.level}")


class Parsed(NamedTuple):
    prose: str
    blocks: list[Block]
    line_starts: list[int]
    fences: int
    """Code blocks, for the `pre` count metrics read."""


def extend(opened: list[Block], block: Block, end: int) -> Block:
    longer = Block(block.kind, block.start, end, block.level)
    opened[-1] = longer
    return longer


def trim(prose: str, block: Block) -> Block | None:
    text = prose[block.start : block.end]
    stripped = text.strip()
    if not stripped:
        return None
    start = block.start + (len(text) - len(text.lstrip()))
    return Block(block.kind, start, start + len(stripped), block.level)


def spaces(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def blank_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return text
    pieces = []
    last = 0
    for start, end in ranges:
        pieces.append(text[last:start])
        pieces.append(spaces(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Code in a sentence stays there as a word no rule reads (Vale's `*` mask), so "the `the`
    the" is no repetition; written last, so the emphasis pass can't take it for markup."""
    pieces, last = [], 0
    for start, end in ranges:
        pieces.append(text[last:start])
        pieces.append("".join(char if char == "\n" else "*" for char in text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
