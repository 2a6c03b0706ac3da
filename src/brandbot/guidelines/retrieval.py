"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from brandbot.guidelines.vector_index import StoredChunk

RRF_K = 60
"""The constant from Cormack et al. (2009); it damps the weight of the very top ranks."""


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its citation; `score` is the fused reciprocal-rank score."""

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
    keyword_rank: int | None = None

    @property
    def citation(self) -> str:
        where = " > ".join(part for part in (self.title, self.section) if part)
        page = f", p. {self.page}" if self.page is not None else ""
        return f"{where} ({self.source}, version {self.version[:8]}{page})"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def fuse(rankings: Sequence[Sequence[StoredChunk]], top_k: int) -> list[Passage]:
    scores: dict[str, float] = {}
    ranks: dict[str, list[int | None]] = {}
    chunks: dict[str, StoredChunk] = {}
    for which, ranking in enumerate(rankings):
        for rank, chunk in enumerate(ranking, start=1):
            chunks[chunk.id] = chunk
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank)
            ranks.setdefault(chunk.id, [None] * len(rankings))[which] = rank
    best = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))[:top_k]
    return [_passage(chunks[chunk_id], scores[chunk_id], ranks[chunk_id]) for chunk_id in best]


def _passage(chunk: StoredChunk, score: float, ranks: list[int | None]) -> Passage:
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
        dense_rank=ranks[0] if ranks else None,
        keyword_rank=ranks[1] if len(ranks) > 1 else None,
    )
