"""Where paused workflows live: a SQLite file in the data directory, or PostgreSQL at scale."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from brandbot.config import Settings


def checkpointer_for(settings: Settings) -> BaseCheckpointSaver[Any]:
    """PostgreSQL when the app records are there (same database), else a SQLite file."""
    if settings.uses_postgres:
        return postgres_checkpointer(settings.resolved_database_url)
    return sqlite_checkpointer(settings.resolved_checkpoint_path)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A request started in one process can be decided in another; the busy timeout lets
    two processes wait for each other instead of failing with 'database is locked'."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
    saver = SqliteSaver(connection)
    saver.setup()
    return saver


def postgres_checkpointer(url: str) -> PostgresSaver:
    """A pool, as the Slack app drafts on several threads; settings as LangGraph's docs give them."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    pool: ConnectionPool[Any] = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=16,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        open=True,
    )
    saver = PostgresSaver(pool)
    saver.setup()
    return saver
