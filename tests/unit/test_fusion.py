"""Score fusion, worked out by hand."""

from __future__ import annotations

import pytest

from brandbot.guidelines.chunker import sentences
from brandbot.guidelines.retrieval import WEIGHTS, fuse
from brandbot.guidelines.vector_index import StoredChunk


def chunk(name: str) -> StoredChunk:
    return StoredChunk(name, f"text {name}", "doc.md", "v1", "Doc", "doc.md", "S", None, 0)


def test_scores_are_scaled_per_retriever_and_summed_with_weights() -> None:
    a, b, c, d = (chunk(x) for x in "abcd")
    passages = fuse(
        {
            "dense": [(a, 0.9), (b, 0.7), (c, 0.5)],
            "sentences": [(b, 0.8), (a, 0.6), (c, 0.4)],
            "keyword": [(c, 12.0), (d, 3.0)],
        },
        top_k=4,
        depth=3,
    )
    # dense scaled over 0.5..0.9, sentences over 0.4..0.8, BM25 over 0..12
    expected = {
        "a": WEIGHTS["dense"] * 1.0 + WEIGHTS["sentences"] * 0.5,
        "b": WEIGHTS["dense"] * 0.5 + WEIGHTS["sentences"] * 1.0,
        "c": WEIGHTS["keyword"] * 1.0,
        "d": WEIGHTS["keyword"] * 0.25,
    }
    assert [p.chunk_id for p in passages] == sorted(expected, key=lambda name: -expected[name])
    for passage in passages:
        assert passage.score == pytest.approx(expected[passage.chunk_id], abs=1e-6)
    b_passage = next(p for p in passages if p.chunk_id == "b")
    assert (b_passage.dense_rank, b_passage.sentence_rank, b_passage.keyword_rank) == (2, 1, None)


def test_a_clear_lead_beats_two_near_ties() -> None:
    """What rank fusion got wrong: second by a hair in two retrievers and first by far in the
    third counts as less than first by a hair in two. By ranks the other chunk wins; by scores
    the clear lead does."""
    clear, other, filler = chunk("clear"), chunk("other"), chunk("filler")
    passages = fuse(
        {
            "dense": [(other, 0.80), (clear, 0.79), (filler, 0.30)],
            "sentences": [(clear, 0.90), (other, 0.50), (filler, 0.45)],
            "keyword": [(other, 5.0), (clear, 4.9)],
        },
        top_k=3,
        depth=3,
    )
    assert [p.chunk_id for p in passages[:2]] == ["clear", "other"]


def test_only_the_top_depth_candidates_count_and_ties_score_full() -> None:
    a, b, c = (chunk(x) for x in "abc")
    passages = fuse({"dense": [(a, 0.5), (b, 0.5), (c, 0.4)]}, top_k=3, depth=2)
    assert [(p.chunk_id, p.score) for p in passages] == [("a", WEIGHTS["dense"]), ("b", WEIGHTS["dense"])]
    assert fuse({"dense": [], "keyword": []}, top_k=3, depth=50) == []


def test_sentences_carry_the_breadcrumb_and_skip_fragments() -> None:
    text = (
        "Brand > Numbers\n\nSpell out one to nine. Use numerals for 10 and up!\n- Yes.\n- Use commas in 1,000 and more"
    )
    assert sentences(text) == [
        "Brand > Numbers: Spell out one to nine.",
        "Brand > Numbers: Use numerals for 10 and up!",
        "Brand > Numbers: - Use commas in 1,000 and more",
    ]
    assert sentences("Brand > Logo\n\nTeal.") == ["Brand > Logo\n\nTeal."]


def test_citation_names_document_section_version_and_page() -> None:
    page_chunk = StoredChunk("x", "t", "legal.pdf", "abcdef0123456789", "Legal", "legal.pdf", "Trial", 2, 0)
    assert (
        fuse({"dense": [(page_chunk, 0.5)]}, 1, 50)[0].citation == "Legal > Trial (legal.pdf, version abcdef01, p. 2)"
    )
