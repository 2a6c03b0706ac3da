"""Schema migrations on SQLite and a real PostgreSQL: from empty, from the previous revision, and
agreeing with the models."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, String, column, insert, inspect, table, text
from sqlalchemy.event import listen, remove
from sqlalchemy.exc import DBAPIError

from brandbot.store import answers, audit, audit_chain, receipts, rechecks  # noqa: F401  (answers, rechecks: tables)
from brandbot.store.audit import entries
from brandbot.store.db import Database
from brandbot.store.models import Base, UTCDateTime
from brandbot.store.requests import RequestStore

HEAD = "0017"


def test_upgrade_from_empty_matches_the_models(empty_database: Database) -> None:
    empty_database.create_schema()
    assert empty_database.revision() == HEAD
    with empty_database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "a model changed without a migration"


def test_upgrade_from_request_heartbeats_to_work_rows_keeps_the_data(empty_database: Database) -> None:
    empty_database.create_schema("0004")
    with empty_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO requests (id, requester, text, origin, status, worker, created_at, updated_at) "
                "VALUES ('req_old', 'alice', 'A post', 'slack', 'drafting', 'host:1:ab', :now, :now)"
            ),
            {"now": "2026-11-01 10:00:00+00:00"},
        )
    empty_database.create_schema()
    assert empty_database.revision() == HEAD
    with empty_database.engine.connect() as connection:
        row = connection.execute(text("SELECT requester, status FROM requests WHERE id = 'req_old'")).one()
    assert tuple(row) == ("alice", "drafting")
    assert "worker" not in {column["name"] for column in inspect(empty_database.engine).get_columns("requests")}
    assert {"work", "outbox", "leases"} <= set(inspect(empty_database.engine).get_table_names())
    with empty_database.engine.connect() as connection:
        work = connection.execute(text("SELECT kind, request_id, state FROM work")).all()
    assert [tuple(row) for row in work] == [("draft", "req_old", "queued")], "the unfinished request is picked up"


def test_running_the_migration_twice_changes_nothing(empty_database: Database) -> None:
    empty_database.create_schema()
    empty_database.create_schema()
    assert empty_database.revision() == HEAD


def test_upgrade_chains_the_audit_entries_already_written(empty_database: Database) -> None:
    """Entries written before the chain get their hashes in id order, the head names the last,
    the triggers still refuse rewrites, and new entries carry the chain on."""
    empty_database.create_schema("0008")
    log = table(
        "audit_log",
        column("at", UTCDateTime()),
        column("actor", String),
        column("action", String),
        column("request_id", String),
        column("detail", JSON),
    )
    written = datetime(2026, 11, 1, 10, 0, 0, 123456, tzinfo=UTC)
    with empty_database.engine.begin() as connection:
        connection.execute(
            insert(log),
            [
                {"at": written, "actor": "alice", "action": "request.created", "request_id": "req_old", "detail": {}},
                {
                    "at": written,
                    "actor": "bob",
                    "action": "draft.approved",
                    "request_id": "req_old",
                    "detail": {"x": 1},
                },
            ],
        )
    empty_database.create_schema()
    first, second = entries(empty_database)
    by_hand = {
        "id": first.id,
        "at": "2026-11-01T10:00:00.123456+00:00",
        "actor": "alice",
        "action": "request.created",
        "request_id": "req_old",
        "draft_id": None,
        "revision": None,
        "detail": {},
        "prev_hash": "0" * 64,
    }
    expected = hashlib.sha256(json.dumps(by_hand, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert (first.prev_hash, first.hash) == ("0" * 64, expected)
    assert second.prev_hash == first.hash
    assert audit_chain.verify(empty_database) == (2, [])
    assert receipts.verify(empty_database) == (0, 1, []), "an approval from before receipts is counted, not failed"
    with pytest.raises(DBAPIError, match="append-only"), empty_database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    with empty_database.session() as session:
        audit.record(session, "carol", "request.retried", request_id="req_old")
    third = entries(empty_database)[-1]
    assert (third.id, third.prev_hash) == (second.id + 1, second.hash)
    assert audit_chain.verify(empty_database) == (3, [])


def test_upgrade_gives_existing_requests_their_thread_and_the_thread_lookup_uses_its_index(
    empty_database: Database,
) -> None:
    """Requests asked before the thread columns are found by a reply in their thread; the lookup
    every thread reply makes reads the index, not every request."""
    empty_database.create_schema("0013")
    requests = table(
        "requests",
        column("id", String),
        column("requester", String),
        column("text", String),
        column("origin", String),
        column("status", String),
        column("reply_to", JSON),
        column("created_at", UTCDateTime()),
        column("updated_at", UTCDateTime()),
    )
    asked = {"requester": "alice", "text": "A post", "origin": "slack", "status": "awaiting_review"}
    now = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    with empty_database.engine.begin() as connection:
        connection.execute(
            insert(requests).values(created_at=now, updated_at=now),
            [
                {**asked, "id": "req_thread", "reply_to": {"channel": "C1", "thread_ts": "1800000800.000100"}},
                {**asked, "id": "req_dm_only", "reply_to": {"dm_user": "alice"}},
                {**asked, "id": "req_cli", "reply_to": None},
            ],
        )
    empty_database.create_schema()
    with empty_database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, thread_channel, thread_ts FROM requests ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        ("req_cli", None, None),
        ("req_dm_only", None, None),
        ("req_thread", "C1", "1800000800.000100"),
    ]
    indexes = {index["name"]: index["column_names"] for index in inspect(empty_database.engine).get_indexes("requests")}
    assert indexes["ix_requests_thread"] == ["thread_channel", "thread_ts"]

    store = RequestStore(empty_database)
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    listen(empty_database.engine, "before_cursor_execute", seen)
    try:
        assert [r.id for r in store.in_thread("C1", "1800000800.000100")] == ["req_thread"]
    finally:
        remove(empty_database.engine, "before_cursor_execute", seen)
    [(lookup, parameters)] = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    postgres = empty_database.engine.dialect.name == "postgresql"
    with empty_database.engine.connect() as connection:
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")  # three rows: the planner would scan them
        plan = connection.exec_driver_sql(f"{'EXPLAIN' if postgres else 'EXPLAIN QUERY PLAN'} {lookup}", parameters)
        described = " ".join(str(value) for row in plan for value in row)
    assert "ix_requests_thread" in described, described
