"""Named critical sections that hold across processes and replicas sharing one database.

PostgreSQL replicas may run on different machines, so the lock lives in the server: a
session-level advisory lock on a connection kept for the block. SQLite is shared only by
processes on one machine, so an exclusive `flock` on a file beside the database does: the
kernel drops it when its holder dies, so a killed ingest never leaves the lock taken.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from brandbot.store.db import Database

POLL_S = 0.1


class LockTimeout(TimeoutError):
    pass


@contextmanager
def exclusive(db: Database, name: str, timeout_s: float) -> Iterator[None]:
    """Runs the block while no other holder of `name` on this database runs its own; waits up to
    `timeout_s` for it, then raises LockTimeout. `name` is a plain identifier (it names a file)."""
    lock = _advisory if db.engine.dialect.name == "postgresql" else _file_lock
    with lock(db, name, timeout_s):
        yield


@contextmanager
def _advisory(db: Database, name: str, timeout_s: float) -> Iterator[None]:
    """Autocommit, so the connection that holds the lock never sits idle in a transaction."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        _wait(lambda: bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})), name, timeout_s)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(db: Database, name: str, timeout_s: float) -> Iterator[None]:
    """Each call opens the file anew, so threads of one process exclude each other too."""
    database = db.engine.url.database
    beside = Path(database) if database and database != ":memory:" else Path(tempfile.gettempdir()) / "brandbot"
    with open(f"{beside}.{name}.lock", "a") as handle:

        def take() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait(take, name, timeout_s)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait(take: Callable[[], bool], name: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not take():
        if time.monotonic() >= deadline:
            raise LockTimeout(
                f"gave up waiting for the '{name}' lock after {timeout_s:.0f} s: another process holds it"
            )
        time.sleep(POLL_S)
