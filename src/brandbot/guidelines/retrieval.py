"""Hybrid retrieval: the scores of three retrievers, each scaled to [0, 1], summed with weights.

Scores rather than ranks, because how far ahead a passage is matters: reciprocal-rank fusion
gave the same credit to a clear winner and to a near tie, and lost to dense retrieval alone at
rank 1 on questions it was not tuned on (`bench/RESULTS.md`, "Retrieval quality").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from brandbot.guidelines.vector_index import StoredChunk

Signal = Literal["dense", "sentences", "keyword"]
Hits = Sequence[tuple[StoredChunk, float]]
"""One retriever's candidates, best first, with its own score."""

WEIGHTS: dict[Signal, float] = {"dense": 0.21, "sentences": 0.49, "keyword": 0.30}
"""Chosen on the development questions only (bench/retrieval.py): 0.7 for meaning, of which 70 %
from the chunk's best-matching sentence, and 0.3 for BM25."""


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its citation; `score` is the fused score, 0 to 1."""

    text: str
    doc_id: str
    title: str
    source: str
    section: str
    version: str
    page: int | None
    score: float
    chunk_id: str
    dense_rank: int | None = None
    sentence_rank: int | None = None
    keyword_rank: int | None = None
    similarity: float | None = None
    """The best raw cosine similarity of the chunk, or of its best sentence, to the query: unlike
    `score`, which is scaled to the other candidates, it says how close the passage is at all."""

    @property
    def citation(self) -> str:
        where = " > ".join(part for part in (self.title, self.section) if part)
        page = f", p. {self.page}" if self.page is not None else ""
        return f"{where} ({self.source}, version {self.version[:8]}{page})"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def fuse(signals: Mapping[Signal, Hits], top_k: int, depth: int) -> list[Passage]:
    """Each retriever's scores scaled over its top `depth` candidates: cosine from the depth-th
    candidate's (0) to the best (1); BM25 from 0, its natural floor, to the best."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[Signal, int]] = {}
    chunks: dict[str, StoredChunk] = {}
    similarity: dict[str, float] = {}
    for signal, hits in signals.items():
        for rank, (chunk, scaled) in enumerate(_scaled(signal, hits[:depth]), start=1):
            chunks[chunk.id] = chunk
            scores[chunk.id] = scores.get(chunk.id, 0.0) + WEIGHTS[signal] * scaled
            ranks.setdefault(chunk.id, {})[signal] = rank
        if signal != "keyword":
            for chunk, cosine in hits[:depth]:
                similarity[chunk.id] = max(similarity.get(chunk.id, -1.0), cosine)
    best = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))[:top_k]
    return [_passage(chunks[i], scores[i], ranks[i], similarity.get(i)) for i in best]


def _scaled(signal: Signal, hits: Hits) -> list[tuple[StoredChunk, float]]:
    if not hits:
        return []
    high = hits[0][1]
    low = 0.0 if signal == "keyword" else hits[-1][1]
    if high <= low:
        return [(chunk, 1.0) for chunk, _ in hits]
    return [(chunk, (score - low) / (high - low)) for chunk, score in hits]


def _passage(chunk: StoredChunk, score: float, ranks: dict[Signal, int], similarity: float | None) -> Passage:
    return Passage(
        text=chunk.text,
        doc_id=chunk.doc_id,
        title=chunk.title,
        source=chunk.source,
        section=chunk.section,
        version=chunk.version,
        page=chunk.page,
        score=round(score, 6),
        chunk_id=chunk.id,
        dense_rank=ranks.get("dense"),
        sentence_rank=ranks.get("sentences"),
        keyword_rank=ranks.get("keyword"),
        similarity=None if similarity is None else round(similarity, 6),
    )
