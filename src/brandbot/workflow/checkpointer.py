"""Where paused workflows live: a SQLite file in the data directory, shared by processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A request started in one process can be decided in another; the busy timeout lets
    two processes wait for each other instead of failing with 'database is locked'."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
    saver = SqliteSaver(connection)
    saver.setup()
    return saver
