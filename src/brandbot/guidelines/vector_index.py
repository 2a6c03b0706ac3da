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

from brandbot.guidelines.embeddings import QueryBatcher, embedding_function

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.types import Where


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


def _client(location: Path | str) -> ClientAPI:
    import chromadb  # chromadb takes most of a second to import: only commands that search pay it
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if isinstance(location, str):
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


def version_key(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


def chunk_id(doc_id: str, version: str, position: int) -> str:
    return f"{version_key(doc_id, version)}#{position:05d}"


class VectorIndex:
    def __init__(self, location: Path | str, collection: str, embedding_model: str) -> None:
        """`location` is a folder (embedded Chroma) or the URL of a Chroma server (`chroma run`)."""
        self._embed = embedding_function(embedding_model)
        self._queries = QueryBatcher(self._embed.embed_query)
        self._client = _client(location)
        self._collection = self._client.get_or_create_collection(
            collection,
            embedding_function=self._embed,  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}},
        )

    def upsert(self, chunks: Sequence[StoredChunk]) -> None:
        """Upsert, so re-running an ingest that was killed half way just fills in the rest."""
        self._collection.upsert(
            ids=[chunk.id for chunk in chunks],
            documents=[chunk.text for chunk in chunks],
            metadatas=[chunk.metadata() for chunk in chunks],  # type: ignore[misc]
        )

    def query(self, text: str, live_keys: Iterable[str], n: int) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks among the live versions, with cosine similarity.

        Asks unfiltered first and drops stale chunks: a metadata filter over hundreds of
        versions costs Chroma ~15x the search itself. Only when stale chunks crowd the page
        does it ask again with the filter.
        """
        keys = sorted(live_keys)
        if not keys:
            return []
        embedding = [self._queries(text)]
        page = self._search(embedding, 2 * n, None)
        live = set(keys)
        fresh = [row for row in page if row[0].version_key in live]
        if len(fresh) >= n or len(page) < 2 * n:
            return fresh[:n]
        return self._search(embedding, n, _versions("$in", keys))

    def _search(self, embedding: Any, n: int, where: Where | None) -> list[tuple[StoredChunk, float]]:
        result = self._collection.query(
            query_embeddings=embedding,
            n_results=n,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["ids"][0],
            result["documents"][0],  # type: ignore[index]
            result["metadatas"][0],  # type: ignore[index]
            result["distances"][0],  # type: ignore[index]
            strict=True,
        )
        return [(StoredChunk.from_record(i, d, dict(m)), 1.0 - float(dist)) for i, d, m, dist in rows]

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
        """Drops chunks of superseded, removed or half-ingested versions."""
        keys = sorted(live_keys)
        where = _versions("$nin", keys) if keys else None
        stale = self._collection.get(where=where, include=[])["ids"]  # type: ignore[arg-type]
        if stale:
            self._collection.delete(ids=stale)
        return len(stale)

    def heartbeat(self) -> None:
        self._client.heartbeat()

    def count(self) -> int:
        return self._collection.count()
