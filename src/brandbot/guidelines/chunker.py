"""Cuts a document into chunks that follow its headings and fit the embedding window.

Every chunk starts with its breadcrumb (document > section > subsection) so that a passage
read alone, by the retriever or by the LLM, still says where it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from brandbot.guidelines.document import LoadedDocument

TokenCounter = Callable[[Sequence[str]], list[int]]
"""Counts the model's word pieces of each text, without special tokens."""

_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
_FULL_STOP = re.compile(r"(?<=[.!?])\s+")
_PARAGRAPH_SEP = "\n\n"


@dataclass(frozen=True)
class ChunkText:
    section: tuple[str, ...]
    page: int | None
    text: str
    """Breadcrumb, blank line, body."""


def breadcrumb(title: str, section: Sequence[str]) -> str:
    return " > ".join((title, *section))


def chunk_document(document: LoadedDocument, count_tokens: TokenCounter, max_tokens: int) -> list[ChunkText]:
    chunks: list[ChunkText] = []
    for section in document.sections:
        crumb = _fit_words(breadcrumb(document.title, section.path), count_tokens, max_tokens // 3)
        budget = max_tokens - count_tokens([crumb + _PARAGRAPH_SEP])[0]
        for body in _pack(_pieces(section.text, count_tokens, budget), count_tokens, budget):
            chunks.append(ChunkText(section.path, section.page, crumb + _PARAGRAPH_SEP + body))
    return chunks


_SPLITTERS: list[tuple[str, Callable[[str], list[str]]]] = [
    (_PARAGRAPH_SEP, lambda text: text.split(_PARAGRAPH_SEP)),
    ("\n", str.splitlines),
    (" ", _SENTENCE_END.split),
    (" ", str.split),
]
"""Coarsest first: a piece over budget is cut at the next finer boundary, down to words."""


def _pieces(text: str, count_tokens: TokenCounter, budget: int, level: int = 0) -> list[tuple[str, str]]:
    """(piece, separator that joins it to the piece before) pairs, each within budget."""
    separator, split = _SPLITTERS[level]
    parts = [part.strip() for part in split(text) if part.strip()]
    pieces: list[tuple[str, str]] = []
    for part, size in zip(parts, count_tokens(parts), strict=True):
        if size <= budget or level == len(_SPLITTERS) - 1:
            pieces.append((part, separator))
        else:
            finer = _pieces(part, count_tokens, budget, level + 1)
            pieces.extend([(finer[0][0], separator), *finer[1:]])
    return pieces


def _pack(pieces: list[tuple[str, str]], count_tokens: TokenCounter, budget: int) -> list[str]:
    """Greedy packing: consecutive pieces share a chunk while they fit."""
    if not pieces:
        return []
    sizes = count_tokens([piece for piece, _ in pieces])
    bodies: list[str] = []
    current = ""
    used = 0
    for (piece, separator), size in zip(pieces, sizes, strict=True):
        joined = used + size + 1
        if current and joined > budget:
            bodies.append(current)
            current, used = "", 0
        current = f"{current}{separator}{piece}" if current else piece
        used = used + size + 1 if used else size
    bodies.append(current)
    return bodies


def sentences(chunk_text: str) -> list[str]:
    """A chunk's sentences and list items, each under its breadcrumb, embedded apart from the
    chunk: a question about one rule matches the sentence that states it better than the whole
    chunk, where the other rules dilute the embedding. Fragments of one or two words are left
    out; a chunk with none stands whole."""
    crumb, _, body = chunk_text.partition(_PARAGRAPH_SEP)
    parts = [part.strip() for line in body.splitlines() for part in _FULL_STOP.split(line) if len(part.split()) > 2]
    return [f"{crumb}: {part}" for part in parts] or [chunk_text]


def _fit_words(text: str, count_tokens: TokenCounter, limit: int) -> str:
    """Shortens an overlong breadcrumb from the front, keeping the most specific headings."""
    if count_tokens([text])[0] <= limit:
        return text
    words = text.split()
    while len(words) > 1 and count_tokens([" ".join(words)])[0] > limit - 1:
        words.pop(0)
    return "... " + " ".join(words)
