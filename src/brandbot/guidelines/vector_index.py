"""The Chroma collection of guideline chunks: cosine space, explicit embedding function.

Chunks of every version are stored under ids that name the version; which versions a search
sees is decided by the document registry, never by what happens to be in the collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from brandbot.guidelines.chunker import sentences
from brandbot.guidelines.embeddings import QueryBatcher, embedding_function

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Where
    from pydantic import SecretStr

_Row = tuple[str, str, dict[str, Any], float]
"""id, document, metadata, cosine similarity"""
SENTENCE_BATCH = 1024


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    doc_id: str
    version: str
    title: str
    source: str
    section: str
    page: int | None
    position: int

    @property
    def version_key(self) -> str:
        return version_key(self.doc_id, self.version)

    def metadata(self) -> dict[str, str | int]:
        metadata: dict[str, str | int] = {
            "doc_id": self.doc_id,
            "version": self.version,
            "version_key": self.version_key,
            "title": self.title,
            "source": self.source,
            "section": self.section,
            "position": self.position,
        }
        if self.page is not None:
            metadata["page"] = self.page
        return metadata

    @classmethod
    def from_record(cls, chunk_id: str, text: str, metadata: dict[str, Any]) -> StoredChunk:
        return cls(
            id=chunk_id,
            text=text,
            doc_id=str(metadata["doc_id"]),
            version=str(metadata["version"]),
            title=str(metadata["title"]),
            source=str(metadata["source"]),
            section=str(metadata["section"]),
            page=int(metadata["page"]) if "page" in metadata else None,
            position=int(metadata["position"]),
        )


def _client(location: Path | str, token: SecretStr | None) -> ClientAPI:
    import chromadb  # chromadb takes most of a second to import: only commands that search pay it
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if isinstance(location, str):
        if token is not None:
            settings = ChromaSettings(
                anonymized_telemetry=False,
                chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider",
                chroma_client_auth_credentials=token.get_secret_value(),
            )
        url = urlsplit(location)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    return chromadb.PersistentClient(path=str(location), settings=settings)


def _versions(operator: Literal["$in", "$nin"], keys: list[str]) -> Where:
    condition: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {operator: list(keys)}
    return {"version_key": condition}


def _search(collection: Collection, embedding: Any, n: int, where: Where | None, documents: bool) -> list[_Row]:
    """Rows best first; without documents (sentences are only counted for their chunk) the
    text is left empty."""
    result = collection.query(
        query_embeddings=embedding,
        n_results=n,
        where=where,
        include=["documents", "metadatas", "distances"] if documents else ["metadatas", "distances"],
    )
    ids = result["ids"][0]
    texts = result["documents"][0] if documents else [""] * len(ids)  # type: ignore[index]
    rows = zip(ids, texts, result["metadatas"][0], result["distances"][0], strict=True)  # type: ignore[index]
    return [(i, d, dict(m), 1.0 - float(distance)) for i, d, m, distance in rows]


def _delete(collection: Collection, where: Where | None) -> int:
    ids = collection.get(where=where, include=[])["ids"]  # type: ignore[arg-type]
    if ids:
        collection.delete(ids=ids)
    return len(ids)


def version_key(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


def chunk_id(doc_id: str, version: str, position: int) -> str:
    return f"{version_key(doc_id, version)}#{position:05d}"


@dataclass(frozen=True)
class DenseHits:
    """Nearest chunks by the whole chunk's embedding and by their best sentence's, with cosine
    similarity, best first."""

    chunks: list[tuple[StoredChunk, float]]
    sentences: list[tuple[StoredChunk, float]]


SENTENCES_PER_CHUNK = 4
"""Sentences asked for per chunk wanted, so that the page holds the chunks with the best
sentences (10 gave the same rankings on all three golden sets)."""


class VectorIndex:
    def __init__(
        self, location: Path | str, collection: str, embedding_model: str, token: SecretStr | None = None
    ) -> None:
        """`location` is a folder (embedded Chroma) or the URL of a Chroma server (`chroma run`),
        sent `token` as a bearer token if given. Each chunk's sentences live in a second
        collection, `<collection>-sentences`, with the chunk's id and version in their metadata."""
        self._embed = embedding_function(embedding_model)
        self._queries = QueryBatcher(self._embed.embed_query)
        self._client = _client(location, token)
        self._collection, self._sentences = (
            self._client.get_or_create_collection(
                name,
                embedding_function=self._embed,  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine"}},
            )
            for name in (collection, f"{collection}-sentences")
        )

    def upsert(self, chunks: Sequence[StoredChunk]) -> None:
        """Upsert, so re-running an ingest that was killed half way just fills in the rest.
        Sentences first: a chunk is searchable once it is in the chunk collection."""
        self._upsert_sentences(chunks)
        self._collection.upsert(
            ids=[chunk.id for chunk in chunks],
            documents=[chunk.text for chunk in chunks],
            metadatas=[chunk.metadata() for chunk in chunks],  # type: ignore[misc]
        )

    def _upsert_sentences(self, chunks: Sequence[StoredChunk]) -> None:
        ids, texts, metadatas = [], [], []
        for chunk in chunks:
            for number, text in enumerate(sentences(chunk.text)):
                ids.append(f"{chunk.id}~{number:03d}")
                texts.append(text)
                metadatas.append({"chunk_id": chunk.id, "version_key": chunk.version_key})
        for start in range(0, len(ids), SENTENCE_BATCH):
            self._sentences.upsert(
                ids=ids[start : start + SENTENCE_BATCH],
                documents=texts[start : start + SENTENCE_BATCH],
                metadatas=metadatas[start : start + SENTENCE_BATCH],  # type: ignore[arg-type]
            )

    def query(self, text: str, live_keys: Iterable[str], n: int) -> DenseHits:
        """The n nearest live chunks each way, from one embedding of the query."""
        keys = sorted(live_keys)
        if not keys:
            return DenseHits([], [])
        embedding = [self._queries(text)]
        chunks = [
            (StoredChunk.from_record(i, d, m), similarity)
            for i, d, m, similarity in self._nearest(self._collection, embedding, n, keys)
        ]
        best: dict[str, float] = {}
        sentence_rows = self._nearest(self._sentences, embedding, SENTENCES_PER_CHUNK * n, keys, documents=False)
        for _, _, metadata, similarity in sentence_rows:
            best.setdefault(str(metadata["chunk_id"]), similarity)
        known = {chunk.id: chunk for chunk, _ in chunks}
        missing = [chunk_id for chunk_id in best if chunk_id not in known]
        if missing:
            found = self._collection.get(ids=missing, include=["documents", "metadatas"])
            for i, d, m in zip(found["ids"], found["documents"], found["metadatas"], strict=True):  # type: ignore[arg-type]
                known[i] = StoredChunk.from_record(i, d, dict(m))
        by_sentence = [(known[chunk_id], similarity) for chunk_id, similarity in best.items() if chunk_id in known]
        return DenseHits(chunks, by_sentence[:n])

    def _nearest(
        self, collection: Collection, embedding: Any, n: int, keys: list[str], *, documents: bool = True
    ) -> list[_Row]:
        """Nearest records of the live versions, with cosine similarity.

        Asks unfiltered first and drops stale records: a metadata filter over hundreds of
        versions costs Chroma ~15x the search itself. Only when stale records crowd the page
        does it ask again with the filter.
        """
        page = _search(collection, embedding, 2 * n, None, documents)
        live = set(keys)
        fresh = [row for row in page if row[2]["version_key"] in live]
        if len(fresh) >= n or len(page) < 2 * n:
            return fresh[:n]
        return _search(collection, embedding, n, _versions("$in", keys), documents)

    def chunks(self, live_keys: Iterable[str]) -> list[StoredChunk]:
        keys = sorted(live_keys)
        if not keys:
            return []
        result = self._collection.get(where=_versions("$in", keys), include=["documents", "metadatas"])
        chunks = [
            StoredChunk.from_record(i, d, dict(m))
            for i, d, m in zip(result["ids"], result["documents"], result["metadatas"], strict=True)  # type: ignore[arg-type]
        ]
        return sorted(chunks, key=lambda chunk: chunk.id)

    def delete_all_but(self, live_keys: Iterable[str]) -> int:
        """Drops chunks, and their sentences, of superseded, removed or half-ingested versions."""
        keys = sorted(live_keys)
        where = _versions("$nin", keys) if keys else None
        _delete(self._sentences, where)
        return _delete(self._collection, where)

    def fill_sentences(self, live_keys: Iterable[str]) -> int:
        """Embeds the sentences of live chunks that have none: chunks stored before sentences
        were indexed, or released from quarantine by an older version."""
        keys = sorted(live_keys)
        if not keys:
            return 0
        indexed = self._sentences.get(where=_versions("$in", keys), include=["metadatas"])["metadatas"] or []
        have = {str(metadata["chunk_id"]) for metadata in indexed}
        missing = [chunk for chunk in self.chunks(keys) if chunk.id not in have]
        if missing:
            self._upsert_sentences(missing)
        return len(missing)

    def heartbeat(self) -> None:
        self._client.heartbeat()

    def count(self) -> int:
        return self._collection.count()
