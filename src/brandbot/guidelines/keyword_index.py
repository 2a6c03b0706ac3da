"""BM25 over the live chunks (bm25s), rebuilt from the vector store whenever they change."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import bm25s
import Stemmer

from brandbot.guidelines.vector_index import StoredChunk

_STEMMER = Stemmer.Stemmer("english")
# bm25s sets its logger to DEBUG when imported, after `logs.configure` quietened it: every index
# build then printed "Building index from tokens" on a terminal.
logging.getLogger("bm25s").setLevel(logging.WARNING)


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    return bm25s.tokenize(  # type: ignore[return-value]
        list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False
    )


class KeywordIndex:
    def __init__(self, chunks: Sequence[StoredChunk]) -> None:
        self.chunks = list(chunks)
        self._retriever = bm25s.BM25()
        if self.chunks:
            self._retriever.index(_tokens([chunk.text for chunk in self.chunks]), show_progress=False)

    def query(self, text: str, n: int) -> list[tuple[StoredChunk, float]]:
        """Best matches first; chunks sharing no term with the query are left out."""
        if not self.chunks:
            return []
        tokens = _tokens([text])
        if not any(tokens[0]):
            return []
        indices, scores = self._retriever.retrieve(tokens, k=min(n, len(self.chunks)), show_progress=False, n_threads=0)
        return [
            (self.chunks[int(index)], float(score))
            for index, score in zip(indices[0], scores[0], strict=True)
            if score > 0
        ]
