"""Engine and sessions; SQLite gets WAL and a busy timeout so several processes can share it.

In WAL mode `synchronous=NORMAL` syncs at checkpoints rather than at every commit: a crashed
process loses nothing, a power cut may lose the last transactions but never corrupts the file.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 7_262_331
"""A PostgreSQL advisory lock id: replicas starting together migrate one after the other."""


class UnversionedDatabase(RuntimeError):
    pass


class Database:
    def __init__(self, url: str, *, migration_url: str | None = None) -> None:
        self.url = url
        self.migration_url = migration_url
        """PostgreSQL: the role that owns the tables; `brandbot.schema.migrate` migrates as it."""
        self.engine: Engine = create_engine(url, **_engine_options(url))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(read_only=True), expire_on_commit=False)
        database = self.engine.url.database
        self._writer: AbstractContextManager[object] = (
            _WriteTurn(Path(f"{database}.write.lock") if database and database != ":memory:" else None)
            if self.engine.dialect.name == "sqlite"
            else nullcontext()
        )

    def create_schema(self, revision: str = "head") -> None:
        """Migrates the schema (Alembic) to `revision` as this role: the same steps for SQLite and
        PostgreSQL. A role that owns nothing finds the schema at `revision` (the owner migrated it:
        `brandbot.schema.migrate`) and only reads the version."""
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK})
            tables = set(inspect(connection).get_table_names())
            if "requests" in tables and "alembic_version" not in tables:
                raise UnversionedDatabase(
                    f"The database at {self.engine.url.render_as_string(hide_password=True)} was made by a "
                    "development build without schema versions; move it aside and start with a new one."
                )
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it does not take the write lock, so readers
        never queue behind writers (WAL gives them a consistent snapshot)."""
        with self._readers.begin() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises. On SQLite,
        writers take turns (`_WriteTurn`)."""
        with self._writer, self._sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if isinstance(self._writer, _WriteTurn):
            self._writer.close()


class _WriteTurn:
    """SQLite has one writer at a time. Writers that wait for it in SQLite's busy handler sleep
    up to 100 ms between tries, so under load most of a write's latency is sleep. Here they queue
    instead, on a lock per process and an `flock` beside the database file across processes,
    and each is woken the moment the one before it commits."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._file = path.open("a") if path is not None else None

    def __enter__(self) -> None:
        self._lock.acquire()
        self._depth += 1
        if self._depth == 1 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self._depth == 1 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._depth -= 1
        self._lock.release()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}, "pool_size": 16, "max_overflow": 64}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take the write lock at BEGIN, so a read-then-write never fails half way with 'locked'."""
    read_only = connection.get_execution_options().get("read_only", False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
