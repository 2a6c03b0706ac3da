"""Reciprocal rank fusion, worked out by hand."""

from __future__ import annotations

import pytest

from brandbot.guidelines.retrieval import RRF_K, fuse
from brandbot.guidelines.vector_index import StoredChunk


def chunk(name: str) -> StoredChunk:
    return StoredChunk(name, f"text {name}", "doc.md", "v1", "Doc", "doc.md", "S", None, 0)


def test_fused_order_and_scores() -> None:
    a, b, c, d = (chunk(x) for x in "abcd")
    passages = fuse([[a, b, c], [c, a, d]], top_k=4)
    assert [p.chunk_id for p in passages] == ["a", "c", "b", "d"]
    assert passages[0].score == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 2), abs=1e-6)
    assert passages[1].score == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1), abs=1e-6)
    assert (passages[0].dense_rank, passages[0].keyword_rank) == (1, 2)
    assert (passages[2].dense_rank, passages[2].keyword_rank) == (2, None)


def test_top_k_and_empty_rankings() -> None:
    assert fuse([[], []], top_k=3) == []
    assert len(fuse([[chunk("a"), chunk("b")], []], top_k=1)) == 1


def test_citation_names_document_section_version_and_page() -> None:
    page_chunk = StoredChunk("x", "t", "legal.pdf", "abcdef0123456789", "Legal", "legal.pdf", "Trial", 2, 0)
    assert fuse([[page_chunk]], 1)[0].citation == "Legal > Trial (legal.pdf, version abcdef01, p. 2)"
