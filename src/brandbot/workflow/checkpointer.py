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
from sqlalchemy import make_url

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


class CheckpointTablesMissing(RuntimeError):
    pass


def make_checkpoint_tables(owner_url: str) -> None:
    """LangGraph's tables, made by the role that owns the schema at migration time, so the app's
    role finds them made and owns none."""
    conninfo = make_url(owner_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with PostgresSaver.from_conn_string(conninfo) as saver:
        saver.setup()


def postgres_checkpointer(url: str) -> PostgresSaver:
    """A pool, as the Slack app drafts on several threads; settings as LangGraph's docs give them.
    LangGraph's `setup()` creates tables, so it runs only where the tables are not current yet and
    the role may create them (one role for everything); the app's own role finds them made by
    `brandbot db migrate` (store/roles.py)."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    pool: ConnectionPool[Any] = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=16,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        open=True,
    )
    saver = PostgresSaver(pool)
    try:
        current, may_create = _checkpoint_tables(pool)
        if not current:
            if not may_create:
                raise CheckpointTablesMissing(
                    "The workflow checkpoint tables are missing or older than this version of brandbot, and the "
                    "database role may not create tables: run `brandbot db migrate` with "
                    "BRANDBOT_MIGRATION_DATABASE_URL set to the role that owns the tables, then start again."
                )
            saver.setup()
    except BaseException:
        pool.close()
        raise
    return saver


def _checkpoint_tables(pool: ConnectionPool[Any]) -> tuple[bool, bool]:
    """Whether LangGraph's migrations have all run, and whether this role may create tables."""
    with pool.connection() as connection:
        found = connection.execute(
            "SELECT to_regclass('checkpoint_migrations') IS NOT NULL AS made, "
            "has_schema_privilege(current_schema(), 'CREATE') AS may_create"
        ).fetchone()
        version = (
            connection.execute("SELECT max(v) AS v FROM checkpoint_migrations").fetchone() if found["made"] else None
        )
    latest = len(PostgresSaver.MIGRATIONS) - 1
    return version is not None and version["v"] == latest, bool(found["may_create"])
