"""Adding, replacing, removing and searching guideline documents.

A new version becomes visible in one database transaction (the registry's `publish`), after
all its chunks are in Chroma; until then searches see the old version, and a process killed
half way leaves only unreferenced chunks that the next write sweeps away.

Writes (store + publish, remove, sweep) hold one lock across processes and replicas: a sweep
sees stored-but-unpublished chunks as leftovers, so it must never run beside another ingest.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

from brandbot import metrics
from brandbot.config import Settings
from brandbot.guidelines import screening
from brandbot.guidelines.chunker import chunk_document
from brandbot.guidelines.document import LoaderError
from brandbot.guidelines.embeddings import token_counter
from brandbot.guidelines.keyword_index import KeywordIndex
from brandbot.guidelines.loaders import is_supported
from brandbot.guidelines.loaders.isolated import parse_isolated
from brandbot.guidelines.loaders.limits import ParseLimits
from brandbot.guidelines.retrieval import Hits, Passage, Signal, fuse
from brandbot.guidelines.vector_index import StoredChunk, VectorIndex, chunk_id, version_key
from brandbot.store.db import Database
from brandbot.store.documents import DocumentRegistry
from brandbot.store.locks import exclusive
from brandbot.store.models import Document
from brandbot.store.quarantine import DELETED, RELEASED, Quarantine

log = logging.getLogger(__name__)

UPSERT_BATCH = 256
RULES_MARKERS = ("config.yml", ".vale.ini")
WRITE_LOCK = "guidelines-write"
WRITE_LOCK_WAIT_S = 1800.0
"""An ingest of a big upload embeds for minutes on CPU; waiting behind a few of them is normal."""
CANDIDATES_PER_RETRIEVER = 50
"""Scores are scaled over each retriever's top 50: over its top 20, the floor sat too close to
the winners (development questions, bench/retrieval.py)."""

Outcome = Literal["added", "updated", "unchanged", "failed"]
Retriever = Literal["hybrid", "dense", "sentences", "keyword"]
Progress = Callable[[int, int], None]
"""Called with (chunks indexed so far, chunks to index in this call)."""


@dataclass(frozen=True)
class IngestResult:
    source: str
    outcome: Outcome
    doc_id: str | None = None
    title: str | None = None
    version: str | None = None
    chunks: int = 0
    reason: str | None = None
    held: int = 0
    """Passages held for an admin's review (`guidelines/screening.py`), not searched until released."""

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "message": self.message}

    @property
    def message(self) -> str:
        if self.outcome == "failed":
            return f"{self.source}: {self.reason}"
        if self.outcome == "unchanged":
            return f"{self.source}: unchanged (version {self.version}), nothing to do"
        held = f"; {self.held} held for review (`brandbot guidelines quarantine`)" if self.held else ""
        return f"{self.source}: {self.outcome} as {self.doc_id}, version {self.version}, {self.chunks} chunks{held}"


@dataclass(frozen=True)
class _Prepared:
    document: Document
    chunks: list[StoredChunk]
    result: IngestResult
    held: list[tuple[StoredChunk, list[str]]]


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: the name it was added under and a way to read its bytes."""

    name: str
    size: int
    read: Callable[[], bytes]

    @classmethod
    def from_path(cls, path: Path, name: str) -> SourceFile:
        return cls(name=name, size=path.stat().st_size, read=path.read_bytes)


def doc_id_for(name: str) -> str:
    """Identity is the file name as added: uploading `brand.pdf` again replaces `brand.pdf`."""
    return re.sub(r"[^a-z0-9._/]+", "-", name.lower()).strip("-._/") or "document"


def expand_paths(paths: Iterable[Path]) -> Iterator[SourceFile | IngestResult]:
    """Files as given; folders walked for supported files, named by their path inside the
    folder (so two LICENSE.md files stay two documents); missing paths become failures.
    A walk skips hidden files and brand-rule folders (a config.yml or .vale.ini marks them):
    their word lists are rules, not guidelines."""
    for path in paths:
        if path.is_dir():
            rule_dirs = [marker.parent for name in RULES_MARKERS for marker in path.rglob(name)]
            for found in sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p.name)):
                relative = found.relative_to(path)
                hidden = any(part.startswith(".") for part in relative.parts)
                if not hidden and not any(found.is_relative_to(rules) for rules in rule_dirs):
                    yield SourceFile.from_path(found, relative.as_posix())
        elif path.is_file():
            yield SourceFile.from_path(path, path.name)
        else:
            yield IngestResult(str(path), "failed", reason="no such file or folder")


class KnowledgeBase:
    def __init__(self, settings: Settings, db: Database) -> None:
        self._settings = settings
        self._db = db
        self.registry = DocumentRegistry(db)
        self.quarantine = Quarantine(db)
        self.index = VectorIndex(
            settings.chroma_location, settings.chroma_collection, settings.embedding_model, settings.chroma_token
        )
        self._count_tokens = token_counter(settings.embedding_model)
        self._keyword: tuple[int, KeywordIndex] | None = None
        self._keyword_lock = threading.Lock()

    def add(self, files: Iterable[SourceFile], actor: str, progress: Progress | None = None) -> list[IngestResult]:
        """Results in the order given; a file that fails never stops the others. Files are read
        and parsed before taking the write lock; embedding (in Chroma's upsert) happens under it."""
        results: list[IngestResult] = []
        prepared: list[_Prepared] = []
        for source in files:
            outcome = self._prepare_safely(source)
            if isinstance(outcome, _Prepared) and any(p.document.doc_id == outcome.document.doc_id for p in prepared):
                outcome = IngestResult(source.name, "failed", reason="another file in this call has the same name")
            if isinstance(outcome, _Prepared):
                prepared.append(outcome)
                outcome = outcome.result
            results.append(outcome)
        with self._writing():
            self._sweep()
            self._store(prepared, actor, progress)
        for result in results:
            log.info("%s", result.message)
            metrics.DOCUMENTS_INGESTED.labels(result.outcome).inc()
        return results

    def _store(self, prepared: list[_Prepared], actor: str, progress: Progress | None) -> None:
        """Chunks of all files are embedded in shared batches (small documents alone would
        waste the model); each document goes live as soon as its last chunk is stored (the
        documents completed by one batch go live together)."""
        self.quarantine.hold([(asdict(chunk), why) for item in prepared for chunk, why in item.held], actor)
        queue = [chunk for item in prepared for chunk in item.chunks]
        ends = list(itertools.accumulate(len(item.chunks) for item in prepared))
        published = 0
        for start in range(0, len(queue), UPSERT_BATCH):
            self.index.upsert(queue[start : start + UPSERT_BATCH])
            done = min(start + UPSERT_BATCH, len(queue))
            log.info("indexed %d/%d chunks", done, len(queue))
            if progress:
                progress(done, len(queue))
            complete = bisect.bisect_right(ends, done)
            self.registry.publish([item.document for item in prepared[published:complete]], actor)
            published = complete

    def _prepare_safely(self, source: SourceFile) -> _Prepared | IngestResult:
        try:
            return self._prepare(source)
        except LoaderError as error:
            return IngestResult(source.name, "failed", reason=str(error))
        except OSError as error:
            return IngestResult(source.name, "failed", reason=f"cannot read the file ({error.strerror or error})")

    def _prepare(self, source: SourceFile) -> _Prepared | IngestResult:
        limit = self._settings.max_upload_bytes
        if source.size > limit:
            raise LoaderError(f"file is {source.size / 1_048_576:.1f} MB, over the {limit / 1_048_576:.0f} MB limit")
        data = source.read()
        doc_id = doc_id_for(source.name)
        version = hashlib.sha256(data).hexdigest()[:16]
        current = self.registry.get(doc_id)
        if current is not None and current.version == version:
            return IngestResult(source.name, "unchanged", doc_id, current.title, version, current.chunk_count)

        document = parse_isolated(source.name, data, max_bytes=limit, limits=ParseLimits.from_settings(self._settings))
        pieces = chunk_document(document, self._count_tokens, self._settings.chunk_max_tokens)
        chunks = [
            StoredChunk(
                id=chunk_id(doc_id, version, position),
                text=piece.text,
                doc_id=doc_id,
                version=version,
                title=document.title,
                source=source.name,
                section=" > ".join(piece.section),
                page=piece.page,
                position=position,
            )
            for position, piece in enumerate(pieces)
        ]
        live: list[StoredChunk] = []
        held: list[tuple[StoredChunk, list[str]]] = []
        for chunk in chunks:
            clean, flagged = screening.split(chunk.text)
            if clean:
                live.append(replace(chunk, text=clean))
            if flagged:
                held.append((replace(chunk, id=f"{chunk.id}:held", text=flagged[0]), flagged[1]))
        for number, text in enumerate(document.hidden, start=len(chunks)):
            position_id = f"{chunk_id(doc_id, version, number)}:hidden"
            hidden = StoredChunk(position_id, text, doc_id, version, document.title, source.name, "", None, number)
            held.append((hidden, [screening.HIDDEN, *screening.reasons(text)]))
        record = Document(
            doc_id=doc_id,
            title=document.title,
            source=source.name,
            version=version,
            chunk_count=len(live),
            size_bytes=len(data),
        )
        outcome: Outcome = "added" if current is None else "updated"
        result = IngestResult(source.name, outcome, doc_id, document.title, version, len(live), held=len(held))
        return _Prepared(record, live, result, held)

    def release(self, chunk_id: str, actor: str) -> StoredChunk:
        """A held passage goes live, if its document's version still is; raises LookupError."""
        with self._writing():
            row = self.quarantine.decide(chunk_id, RELEASED, actor)
            chunk = StoredChunk(**row.chunk)
            live = self.registry.get(chunk.doc_id)
            if live is not None and live.version == chunk.version:
                self.index.upsert([chunk])
                self.registry.refresh()
            return chunk

    def delete_held(self, chunk_id: str, actor: str) -> None:
        """A held passage is never searched; raises LookupError."""
        self.quarantine.decide(chunk_id, DELETED, actor)

    def remove(self, doc_id: str, actor: str) -> Document | None:
        with self._writing():
            removed = self.registry.withdraw(doc_id, actor)
            self._sweep()
        return removed

    def sweep(self) -> int:
        """Deletes chunks no live version refers to: leftovers of replaced or interrupted ingests."""
        with self._writing():
            return self._sweep()

    def _writing(self) -> AbstractContextManager[None]:
        return exclusive(self._db, WRITE_LOCK, WRITE_LOCK_WAIT_S)

    def _sweep(self) -> int:
        live = self.live_keys()
        dropped = self.index.delete_all_but(live)
        if dropped:
            log.info("swept %d stale chunks", dropped)
        filled = self.index.fill_sentences(live)
        if filled:
            log.info("indexed the sentences of %d chunks stored without them", filled)
        return dropped

    def documents(self) -> list[Document]:
        return self.registry.all()

    def chunks_of(self, doc_id: str) -> list[StoredChunk]:
        document = self.registry.get(doc_id)
        if document is None:
            return []
        return self.index.chunks([version_key(doc_id, document.version)])

    def search(self, query: str, top_k: int | None = None, retriever: Retriever = "hybrid") -> list[Passage]:
        """Hybrid by default; one retriever alone is there to measure what fusion adds."""
        top_k = top_k or self._settings.retrieval_top_k
        candidates = max(CANDIDATES_PER_RETRIEVER, top_k)
        generation, versions = self.registry.snapshot()
        live = _keys(versions)
        signals: dict[Signal, Hits] = {}
        if retriever in ("hybrid", "dense", "sentences"):
            dense = self.index.query(query, live, candidates)
            if retriever != "sentences":
                signals["dense"] = dense.chunks
            if retriever != "dense":
                signals["sentences"] = dense.sentences
        if retriever in ("hybrid", "keyword"):
            signals["keyword"] = self._keyword_index(generation, live).query(query, candidates)
        return fuse(signals, top_k, candidates)

    def live_keys(self) -> set[str]:
        return _keys(self.registry.snapshot()[1])

    def _keyword_index(self, generation: int, live: set[str]) -> KeywordIndex:
        """Rebuilt from Chroma when the registry's generation moves, so every process agrees."""
        with self._keyword_lock:
            if self._keyword is None or self._keyword[0] != generation:
                self._keyword = (generation, KeywordIndex(self.index.chunks(live)))
            return self._keyword[1]


def _keys(versions: dict[str, str]) -> set[str]:
    return {version_key(doc_id, version) for doc_id, version in versions.items()}
