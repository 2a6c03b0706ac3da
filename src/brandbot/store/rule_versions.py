"""Published versions of the brand rules: every replica reads the same one from the database.

A version is the whole styles directory as a zip. The newest row is the current version, so
publishing is one insert: readers see the old rules or the new ones, never a mix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from brandbot.store import audit, rechecks
from brandbot.store.db import Database
from brandbot.store.models import Base, utcnow

PUBLISH_LOCK = 7_262_332
"""A PostgreSQL advisory lock id: publishers check the current version one at a time (SQLite's
transactions already begin IMMEDIATE, which serializes them)."""


class RuleVersion(Base):
    __tablename__ = "rule_versions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64))
    """sha256 of `archive`: the same rules give the same digest."""
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    rule_count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def current(db: Database) -> RuleVersion | None:
    with db.read() as session:
        return session.scalars(select(RuleVersion).order_by(RuleVersion.id.desc()).limit(1)).first()


def current_id(db: Database) -> int | None:
    """Cheap (no archive read): callers poll it to learn that the rules changed."""
    with db.read() as session:
        return session.scalar(select(func.max(RuleVersion.id)))


OnPublish = Callable[[Session, RuleVersion], None]
"""Runs in the transaction that publishes a version; raising undoes the publication."""


def publish(
    db: Database,
    archive: bytes,
    actor: str,
    rule_count: int,
    *,
    based_on: int | None,
    on_publish: OnPublish | None = None,
) -> RuleVersion | None:
    """Makes `archive` the current version, unless another was published after `based_on` (the
    version the caller changed): then None, and the caller rebuilds on the newer one, so two
    concurrent changes never lose one of them. `on_publish` records what comes with the version
    (an adopted proposal), so that both happen or neither."""
    with db.session() as session:
        if db.engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PUBLISH_LOCK})
        if session.scalar(select(func.max(RuleVersion.id))) != based_on:
            return None
        version = RuleVersion(
            digest=hashlib.sha256(archive).hexdigest(), archive=archive, rule_count=rule_count, created_by=actor
        )
        session.add(version)
        session.flush()
        audit.record(session, actor, "rules.published", version=version.id, digest=version.digest, rules=rule_count)
        rechecks.enqueue(session, f"rules:{version.id}", rules=True)
        if on_publish is not None:
            on_publish(session, version)
        return version
