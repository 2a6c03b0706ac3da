"""A draft split into the scopes rules read, with every position still pointing into the original.

Drafts are light Markdown; files checked with `brandbot rules check` may also be reStructuredText
or plain text. Instead of extracting text, parsing writes a `prose` copy of the text of the same
length in which everything that isn't prose (code, heading and list markers, link targets, tags,
emphasis marks) is blanked (`blocks.py`). A match at offset n in the prose is therefore at offset
n in the text, which is what alerts report, and each scope is a list of slices of that one
string, made once per check.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import NamedTuple

from brandbot.filetypes import Markup
from brandbot.rules import markdown, matching, rst
from brandbot.rules.blocks import Block, Parsed, blank_ranges, mask, trim
from brandbot.rules.config import Ignores
from brandbot.rules.matching import Pattern
from brandbot.rules.scope import Scope
from brandbot.rules.textstats import TextStats, measure

_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d)\]]*(?=\s)")
_NEXT_VISIBLE = re.compile(r"\S")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "no", "st", "jr", "sr"}
    | {"a.m", "p.m", "u.s", "approx", "fig", "est", "dept"}
)


def _plain(source: str) -> Parsed:
    """Plain text, as Vale reads a .txt file: the whole text is one block of prose."""
    line_starts = [0]
    line_starts.extend(index + 1 for index, char in enumerate(source) if char == "\n")
    stripped = source.strip()
    if not stripped:
        return Parsed(source, [], line_starts, 0)
    start = len(source) - len(source.lstrip())
    return Parsed(source, [Block("paragraph", start, start + len(stripped))], line_starts, 0)


_PARSERS: dict[Markup, Callable[[str], Parsed]] = {"markdown": markdown.parse, "rst": rst.parse, "text": _plain}


class Segment(NamedTuple):
    """One piece of text a rule reads, and where it starts in the draft."""

    text: str
    offset: int


class Document:
    """One draft, parsed once per check; scopes, sentences and statistics are made on first use."""

    def __init__(self, source: str, markup: Markup = "markdown", ignores: Ignores = Ignores()) -> None:
        self.source = source
        self.prose, self.blocks, self.line_starts, self.fences = _PARSERS[markup](source)
        if ignores.tokens or ignores.blocks:
            self._ignore(ignores)
        self._segments: dict[Scope, list[Segment]] = {}

    def _ignore(self, ignores: Ignores) -> None:
        """A .vale.ini's BlockIgnores are blanked like code blocks, its TokenIgnores masked like
        inline code; blocks left with no prose go."""
        blocks = _spans(self.source, ignores.blocks)
        self.prose = mask(blank_ranges(self.prose, blocks), _spans(self.source, ignores.tokens, outside=blocks))
        self.blocks = [block for block in (trim(self.prose, block) for block in self.blocks) if block is not None]

    def segments(self, scope: Scope) -> list[Segment]:
        found = self._segments.get(scope)
        if found is None:
            found = self._segments[scope] = self._select(scope)
        return found

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    @cached_property
    def sentences(self) -> list[tuple[Segment, Block]]:
        """Every sentence of every prose block, with the block it belongs to."""
        found: list[tuple[Segment, Block]] = []
        for block in self.blocks:
            text = self.prose[block.start : block.end]
            found.extend((Segment(piece, block.start + start), block) for start, piece in _split_sentences(text))
        return found

    @cached_property
    def stats(self) -> TextStats:
        return measure(self.blocks, self.prose, (block for _, block in self.sentences), self.fences)

    def _select(self, scope: Scope) -> list[Segment]:
        selected: list[Segment] = []
        for name in scope.include:
            if name == "raw":
                selected.append(Segment(self.source, 0))
            elif name == "summary":
                selected.append(Segment(self._prose_without(scope.exclude | {"heading"}), 0))
            elif name == "text":
                selected.extend(
                    Segment(self.prose[block.start : block.end], block.start)
                    for block in self.blocks
                    if not block.excluded_by(scope.exclude)
                )
            elif name == "sentence":
                selected.extend(  # as in Vale, headings and list items are not split into sentences
                    piece
                    for piece, block in self.sentences
                    if block.kind == "paragraph" and not block.excluded_by(scope.exclude)
                )
            else:
                selected.extend(
                    Segment(self.prose[block.start : block.end], block.start)
                    for block in self.blocks
                    if block.selected_by(name) and not block.excluded_by(scope.exclude)
                )
        return selected

    def _prose_without(self, exclude: frozenset[str]) -> str:
        if not exclude:
            return self.prose
        return blank_ranges(
            self.prose, [(block.start, block.end) for block in self.blocks if block.excluded_by(exclude)]
        )


def _spans(text: str, patterns: tuple[str, ...], outside: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where any of the patterns matches (and not within `outside`), as sorted, separate ranges."""
    found = sorted(
        found.span()
        for pattern in patterns
        for found in _compiled(pattern).finditer(text)
        if found.end() > found.start()
        and not any(start < found.end() and found.start() < end for start, end in outside)
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> Pattern:
    return matching.compile(f"(?m){pattern}")


def _split_sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence) pairs: a sentence ends at . ! ? before whitespace, unless the period ends
    a known abbreviation or an initial, or the next word starts in lowercase."""
    sentences: list[tuple[int, str]] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end[0][0] == "." and _is_abbreviation(text, end.start()):
            continue
        following = _NEXT_VISIBLE.search(text, end.end())
        if following is not None and following[0].islower():
            continue
        _add_sentence(sentences, text, start, end.end())
        start = end.end()
    _add_sentence(sentences, text, start, len(text))
    return sentences


def _is_abbreviation(text: str, period: int) -> bool:
    words = text[max(0, period - 12) : period].split()
    if not words:
        return False
    word = words[-1].lstrip("([\"'").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _add_sentence(sentences: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        sentences.append((start + len(piece) - len(piece.lstrip()), stripped))
