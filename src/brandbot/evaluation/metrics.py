"""Ranking metrics over binary relevance: `relevant` lists, best first, whether each result is relevant."""

from __future__ import annotations

import math
from collections.abc import Sequence


def recall_at(k: int, relevant: Sequence[bool]) -> float:
    """1 when any relevant passage is in the top k: a golden question is answered by any of its passages."""
    return 1.0 if any(relevant[:k]) else 0.0


def mrr_at(k: int, relevant: Sequence[bool]) -> float:
    return next((1.0 / rank for rank, hit in enumerate(relevant[:k], start=1) if hit), 0.0)


def ndcg_at(k: int, relevant: Sequence[bool], relevant_in_corpus: int) -> float:
    """DCG of the ranking over the DCG of the best possible one, which puts every relevant
    passage of the corpus first (at most k of them)."""
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, relevant_in_corpus) + 1))
    if ideal == 0:
        return 0.0
    gained = sum(1.0 / math.log2(rank + 1) for rank, hit in enumerate(relevant[:k], start=1) if hit)
    return gained / ideal
