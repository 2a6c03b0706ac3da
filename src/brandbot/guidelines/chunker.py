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


def _pieces(text: str, count_tokens: TokenCounter, budget: int) -> list[str]:
    """Paragraphs, with any paragraph over budget split into sentences, then word runs."""
    pieces: list[str] = []
    paragraphs = [p.strip() for p in text.split(_PARAGRAPH_SEP) if p.strip()]
    for paragraph, size in zip(paragraphs, count_tokens(paragraphs), strict=True):
        if size <= budget:
            pieces.append(paragraph)
            continue
        sentences = [s for s in _SENTENCE_END.split(paragraph) if s]
        for sentence, sentence_size in zip(sentences, count_tokens(sentences), strict=True):
            if sentence_size <= budget:
                pieces.append(sentence)
            else:
                pieces.extend(_word_runs(sentence, count_tokens, budget))
    return pieces


def _pack(pieces: list[str], count_tokens: TokenCounter, budget: int) -> list[str]:
    """Greedy packing: consecutive pieces share a chunk while they fit."""
    if not pieces:
        return []
    sizes = count_tokens(pieces)
    bodies: list[str] = []
    current: list[str] = []
    used = 0
    for piece, size in zip(pieces, sizes, strict=True):
        joined = used + size + (1 if current else 0)
        if current and joined > budget:
            bodies.append(_PARAGRAPH_SEP.join(current))
            current, used = [], 0
            joined = size
        current.append(piece)
        used = joined
    bodies.append(_PARAGRAPH_SEP.join(current))
    return bodies


def _word_runs(text: str, count_tokens: TokenCounter, budget: int) -> list[str]:
    words = text.split()
    sizes = count_tokens(words)
    runs: list[str] = []
    start, used = 0, 0
    for index, size in enumerate(sizes):
        if index > start and used + size > budget:
            runs.append(" ".join(words[start:index]))
            start, used = index, 0
        used += size
    runs.append(" ".join(words[start:]))
    return runs


def _fit_words(text: str, count_tokens: TokenCounter, limit: int) -> str:
    """Shortens an overlong breadcrumb from the front, keeping the most specific headings."""
    if count_tokens([text])[0] <= limit:
        return text
    words = text.split()
    while len(words) > 1 and count_tokens([" ".join(words)])[0] > limit - 1:
        words.pop(0)
    return "... " + " ".join(words)
