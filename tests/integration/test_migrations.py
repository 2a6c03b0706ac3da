"""Schema migrations on SQLite and a real PostgreSQL: from empty, from the previous revision, and
agreeing with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from brandbot.store.db import Database
from brandbot.store.models import Base

HEAD = "0008"


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
