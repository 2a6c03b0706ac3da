"""A draft split into the scopes rules read, with every position still pointing into the original.

Drafts are plain text or light Markdown. Instead of extracting text, parsing writes a `prose`
copy of the draft of the same length in which everything that isn't prose (code fences and
spans, heading and list markers, link targets, HTML tags, emphasis marks) is blanked to spaces.
A match at offset n in the prose is therefore at offset n in the draft, which is what alerts
report, and each scope is a list of slices of that one string, made once per check.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from brandbot.rules.scope import Scope

if TYPE_CHECKING:
    from brandbot.rules.textstats import TextStats

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_BREAK = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}[ \t]*)$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_TAG = re.compile(r"<(?:https?://|mailto:)[^>\s]*>|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
_URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
_LINK = re.compile(r"(!?\[)([^\]\n]*)(\]\([^)\n]*\))")
_EMPHASIS = re.compile(  # each alternative starts with its character, which keeps the scan fast
    r"\*\*+|__+|~~|\*(?<![\w*\\]\*)(?=[^\s*])|\*(?<=[^\s*\\]\*)(?![\w*])|_(?<!\w_)(?=[^\s_])|_(?<=[^\s_]_)(?!\w)"
)

_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d)\]]*(?=\s)")
_NEXT_VISIBLE = re.compile(r"\S")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "no", "st", "jr", "sr"}
    | {"a.m", "p.m", "u.s", "approx", "fig", "est", "dept"}
)


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


class Segment(NamedTuple):
    """One piece of text a rule reads, and where it starts in the draft."""

    text: str
    offset: int


class Document:
    """One draft, parsed once per check; scopes, sentences and statistics are made on first use."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.prose, self.blocks, self.line_starts, self.fences = _parse(source)
        self._segments: dict[Scope, list[Segment]] = {}

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
        from brandbot.rules.textstats import measure

        return measure(self)

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
        return _blank_ranges(
            self.prose, [(block.start, block.end) for block in self.blocks if block.excluded_by(exclude)]
        )


def _parse(source: str) -> tuple[str, list[Block], list[int], int]:
    """(prose, blocks, line starts, code fences): block structure line by line, then the inline
    markup, both blanked in place."""
    blanks: list[tuple[int, int]] = []
    line_starts: list[int] = []
    fences = 0
    opened: list[Block] = []
    current: Block | None = None
    fence = ""
    position = 0
    for raw_line in source.split("\n"):
        start = position
        line_starts.append(start)
        position += len(raw_line) + 1
        line = raw_line.rstrip("\r")
        end = start + len(line)
        if fence:
            blanks.append((start, end))
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if (found := _FENCE.match(line)) is not None:
            current = None
            fence = found[1]
            fences += 1
            blanks.append((start, end))
        elif not line.strip():
            current = None
        elif _BREAK.match(line):
            current = None
            blanks.append((start, end))
        elif (found := _HEADING.match(line)) is not None:
            current = None
            blanks.append((start, start + found.end()))
            closing = _CLOSING_HASHES.search(line, found.end())
            if closing:
                blanks.append((start + closing.start(), end))
            opened.append(Block("heading", start + found.end(), end, len(found[1])))
        elif (found := _QUOTE.match(line)) is not None:
            blanks.append((start, start + found.end()))
            if current is not None and current.kind == "blockquote":
                current = _extend(opened, current, end)
            else:
                current = Block("blockquote", start + found.end(), end)
                opened.append(current)
        elif (found := _LIST_ITEM.match(line)) is not None and _starts_item(found[0], current):
            blanks.append((start, start + found.end()))
            current = Block("list", start + found.end(), end)
            opened.append(current)
        elif current is not None:
            current = _extend(opened, current, end)
        else:
            current = Block("paragraph", start, end)
            opened.append(current)
    prose = _blank_inline(_blank_ranges(source, blanks))
    blocks = [block for block in (_trim(prose, block) for block in opened) if block is not None]
    return prose, blocks, line_starts, fences


def _starts_item(marker: str, current: Block | None) -> bool:
    """A numbered line interrupts a paragraph only from 1, so "2024. That was" stays prose."""
    number = marker.strip()[:-1]
    return not number.isdigit() or number == "1" or current is None or current.kind == "list"


def _extend(opened: list[Block], block: Block, end: int) -> Block:
    longer = Block(block.kind, block.start, end, block.level)
    opened[-1] = longer
    return longer


def _trim(prose: str, block: Block) -> Block | None:
    text = prose[block.start : block.end]
    stripped = text.strip()
    if not stripped:
        return None
    start = block.start + (len(text) - len(text.lstrip()))
    return Block(block.kind, start, start + len(stripped), block.level)


def _spaces(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    if not ranges:
        return text
    pieces = []
    last = 0
    for start, end in ranges:
        pieces.append(text[last:start])
        pieces.append(_spaces(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _blank_inline(text: str) -> str:
    """Code spans first (nothing inside them is markup; their text becomes `*`), then tags, URLs,
    link targets, emphasis; each pass only runs when its marker character is present at all."""
    spans = list(_CODE_SPAN.finditer(text)) if "`" in text else []
    code = [found.span(2) for found in spans]
    if spans:
        text = _blank_ranges(text, [found.span() for found in spans])
    if "<" in text:
        text = _TAG.sub(lambda found: _spaces(found[0]), text)
    if "://" in text or "www." in text or "mailto:" in text:
        text = _URL.sub(lambda found: _spaces(found[0]), text)
    if "](" in text:
        text = _LINK.sub(lambda found: _spaces(found[1]) + found[2] + _spaces(found[3]), text)
    if "*" in text or "_" in text or "~~" in text:
        text = _EMPHASIS.sub(lambda found: _spaces(found[0]), text)
    return _mask(text, code) if code else text


def _mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Code in a sentence stays there as a word no rule reads (Vale's `*` mask), so "the `the`
    the" is no repetition; written last, so the emphasis pass can't take it for markup."""
    pieces, last = [], 0
    for start, end in ranges:
        pieces.append(text[last:start])
        pieces.append("".join(char if char == "\n" else "*" for char in text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


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
