"""Past approved texts, the best evidence of the brand's voice, given to the drafter as examples.

The closest approved texts of the same format are chosen by how similar their requests are to
the new one. They come from the app database, the record of what approvers accepted, so a text
that retention deletes stops being an example; embeddings of their requests are kept in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from brandbot.store.requests import RequestStore

Embed = Callable[[list[str]], Sequence[Any]]
"""Normalized embeddings, one per text (the guideline index's model)."""

CANDIDATES = 200
"""The most recent approved texts of a format that are compared with a request."""


@dataclass(frozen=True)
class Example:
    request_id: str
    request: str
    text: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ApprovedExamples:
    def __init__(self, requests: RequestStore, embed: Embed) -> None:
        self._requests = requests
        self._embed = embed
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def closest(self, request: str, fmt: str, k: int) -> list[Example]:
        """Up to k approved texts of format `fmt`, the most similar request first."""
        if k <= 0:
            return []
        approved = self._requests.approved_texts(fmt, CANDIDATES)
        if not approved:
            return []
        vectors = self._vectors([(row.request_id, row.request) for row in approved])
        query = np.asarray(self._embed([request])[0])
        similarities = vectors @ query
        best = np.argsort(-similarities, kind="stable")[:k]
        return [
            Example(approved[i].request_id, approved[i].request, approved[i].text, round(float(similarities[i]), 4))
            for i in best
        ]

    def _vectors(self, requests: list[tuple[str, str]]) -> np.ndarray:
        with self._lock:
            missing = [(request_id, text) for request_id, text in requests if request_id not in self._cache]
        if missing:
            embedded = self._embed([text for _, text in missing])
            with self._lock:
                for (request_id, _), vector in zip(missing, embedded, strict=True):
                    self._cache[request_id] = np.asarray(vector)
        with self._lock:
            return np.stack([self._cache[request_id] for request_id, _ in requests])
