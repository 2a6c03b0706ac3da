"""Retrievals running at once share the query model: each gets its own vector, in fewer passes."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from brandbot.guidelines.embeddings import QueryBatcher, embedding_function
from tests.support.concurrency import at_once


def test_queries_that_arrive_together_share_passes_and_each_gets_its_own_vector() -> None:
    passes: list[list[str]] = []

    def embed(texts: list[str]) -> list[str]:
        passes.append(list(texts))
        time.sleep(0.05)
        return [f"vector of {text}" for text in texts]

    batcher = QueryBatcher(embed)
    numbers = itertools.count()
    vectors = at_once(24, lambda: batcher(f"query {next(numbers)}"))
    assert sorted(vectors) == sorted(f"vector of query {number}" for number in range(24))
    assert sum(len(batch) for batch in passes) == 24
    assert len(passes) < 12, f"{len(passes)} passes for 24 queries"


def test_a_failed_pass_fails_only_its_own_queries() -> None:
    calls = 0
    lock = threading.Lock()

    def embed(texts: list[str]) -> list[str]:
        nonlocal calls
        with lock:
            calls += 1
            first = calls == 1
        if first:
            raise RuntimeError("model fell over")
        return texts

    batcher = QueryBatcher(embed)
    with pytest.raises(RuntimeError, match="fell over"):
        batcher("first")
    assert batcher("second") == "second"


def test_batched_vectors_match_the_model_one_at_a_time() -> None:
    model = embedding_function("all-MiniLM-L6-v2")
    batcher = QueryBatcher(model.embed_query)
    texts = [f"Can I say cheap about plan {number}?" for number in range(8)]
    numbers = itertools.count()
    together = at_once(8, lambda: batcher(texts[next(numbers)]))
    alone = [model.embed_query([text])[0] for text in texts]
    for vector in together:
        assert any(max(abs(a - b) for a, b in zip(vector, other, strict=True)) < 1e-4 for other in alone)
