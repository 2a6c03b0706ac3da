"""The registry of live guideline versions: the switch that makes a new version visible."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from brandbot.store import audit, rechecks
from brandbot.store.db import Database
from brandbot.store.models import Document, KnowledgeBaseState, utcnow


class DocumentRegistry:
    def __init__(self, db: Database) -> None:
        self._db = db

    def snapshot(self) -> tuple[int, dict[str, str]]:
        """The generation and the live version of each document, read in one transaction."""
        with self._db.read() as session:
            state = session.get(KnowledgeBaseState, 1)
            versions = {
                doc_id: version for doc_id, version in session.execute(select(Document.doc_id, Document.version))
            }
            return (state.generation if state else 0), versions

    def get(self, doc_id: str) -> Document | None:
        with self._db.read() as session:
            return session.get(Document, doc_id)

    def all(self) -> list[Document]:
        with self._db.read() as session:
            return list(session.scalars(select(Document).order_by(Document.title)))

    def publish(self, documents: list[Document], actor: str) -> None:
        """Make each document's version the one searches see, all in one transaction."""
        if not documents:
            return
        with self._db.session() as session:
            replaced: list[str] = []
            for document in documents:
                existing = session.get(Document, document.doc_id)
                if existing is None:
                    document.added_by = actor
                    session.add(document)
                else:
                    replaced.append(document.doc_id)
                    for field in ("title", "source", "version", "chunk_count", "size_bytes"):
                        setattr(existing, field, getattr(document, field))
                    existing.updated_at = utcnow()
                audit.record(
                    session,
                    actor,
                    "guideline.published",
                    doc_id=document.doc_id,
                    version=document.version,
                    source=document.source,
                    chunks=document.chunk_count,
                )
            generation = _bump(session)
            if replaced:
                rechecks.enqueue(session, f"guidelines:{generation}", documents=replaced)

    def refresh(self) -> None:
        """A live version's chunks changed (a held passage released): caches rebuild."""
        with self._db.session() as session:
            _bump(session)

    def withdraw(self, doc_id: str, actor: str) -> Document | None:
        with self._db.session() as session:
            document = session.get(Document, doc_id)
            if document is None:
                return None
            session.delete(document)
            generation = _bump(session)
            rechecks.enqueue(session, f"guidelines:{generation}", documents=[doc_id])
            audit.record(session, actor, "guideline.removed", doc_id=doc_id, version=document.version)
            return document


def _bump(session: Session) -> int:
    """The new generation: it also names the change (a re-check's key)."""
    state = session.get(KnowledgeBaseState, 1)
    if state is None:
        session.add(KnowledgeBaseState(id=1, generation=1))
        return 1
    state.generation += 1
    return state.generation
