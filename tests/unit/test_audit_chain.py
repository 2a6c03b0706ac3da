"""The audit log's hash chain: the canonical form hashed, each entry linked to the one before in
commit order, and `verify` naming each entry changed or removed behind the app's back (as the
table's owner, with the append-only triggers set aside, as only an owner can)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from brandbot.store import audit, audit_chain
from brandbot.store.canonical import canonical, digest, timestamp
from brandbot.store.db import Database
from brandbot.store.models import AuditChainHead, AuditEntry
from brandbot.store.status import DraftStatus


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'app.db'}")
    database.create_schema()
    yield database
    database.dispose()


def append(db: Database, *actions: str) -> None:
    """One transaction recording each action, as a store method does."""
    with db.session() as session:
        for number, action in enumerate(actions):
            audit.record(session, "alice", action, request_id="req_1", n=number)


def tamper(db: Database, statement: str) -> None:
    """As the owner: SQLite's triggers refuse UPDATE and DELETE to everyone until dropped."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        connection.execute(text(statement))


def chain(db: Database) -> list[AuditEntry]:
    return audit.entries(db)


def test_the_canonical_form_is_sorted_compact_utf8_and_refuses_nan() -> None:
    assert canonical({"b": 1, "a": ["é", None, 1.5]}) == '{"a":["é",null,1.5],"b":1}'.encode()
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})
    assert digest({"b": 1, "a": "é"}) == hashlib.sha256(b'{"a":"\xc3\xa9","b":1}').hexdigest()
    assert canonical(DraftStatus.approved) == b'"approved"'
    with pytest.raises(ValueError):
        canonical({"score": float("nan")})


def test_times_are_written_in_utc_to_the_microsecond() -> None:
    paris = timezone(timedelta(hours=1))
    assert timestamp(datetime(2026, 11, 30, 11, 0, tzinfo=paris)) == "2026-11-30T10:00:00.000000+00:00"
    assert timestamp(datetime(2026, 11, 30, 10, 0, 0, 5, tzinfo=UTC)) == "2026-11-30T10:00:00.000005+00:00"


def test_an_entry_hash_covers_every_field_and_the_link(db: Database) -> None:
    append(db, "request.created")
    (entry,) = chain(db)
    by_hand = {
        "id": 1,
        "at": timestamp(entry.at),
        "actor": "alice",
        "action": "request.created",
        "request_id": "req_1",
        "draft_id": None,
        "revision": None,
        "detail": {"n": 0},
        "prev_hash": "0" * 64,
    }
    assert entry.hash == hashlib.sha256(canonical(by_hand)).hexdigest()
    for field, other in [("actor", "mallory"), ("detail", {"n": 1}), ("at", entry.at + timedelta(microseconds=1))]:
        changed = AuditEntry(**{**{k: getattr(entry, k) for k in audit_chain.fields(entry)}, field: other})
        assert audit_chain.entry_hash(changed) != entry.hash, field


def test_entries_link_in_id_order_across_transactions_and_the_head_names_the_last(db: Database) -> None:
    append(db, "a.one", "a.two")
    append(db, "b.one")
    entries = chain(db)
    assert [entry.id for entry in entries] == [1, 2, 3]
    assert [entry.prev_hash for entry in entries] == ["0" * 64, entries[0].hash, entries[1].hash]
    with db.read() as session:
        head = session.get(AuditChainHead, audit_chain.HEAD_ID)
        assert head is not None and (head.last_id, head.last_hash) == (3, entries[2].hash)
    assert audit_chain.verify(db) == (3, [])


def test_a_rolled_back_transaction_leaves_no_entry_and_no_gap(db: Database) -> None:
    append(db, "kept.one")
    with pytest.raises(RuntimeError), db.session() as session:
        audit.record(session, "alice", "lost")
        raise RuntimeError("the change failed")
    append(db, "kept.two")
    assert [(entry.id, entry.action) for entry in chain(db)] == [(1, "kept.one"), (2, "kept.two")]
    assert audit_chain.verify(db) == (2, [])


def test_a_session_used_again_after_a_rollback_commits_only_the_new_entries(db: Database) -> None:
    with Session(db.engine) as session:
        audit.record(session, "alice", "lost")
        session.rollback()
        audit.record(session, "alice", "kept")
        session.commit()
    assert [entry.action for entry in chain(db)] == ["kept"]


def test_verify_names_a_changed_detail(db: Database) -> None:
    append(db, "request.created", "draft.approved", "request.retried")
    tamper(db, "UPDATE audit_log SET detail = json_set(detail, '$.n', 7) WHERE id = 2")
    assert audit_chain.verify(db) == (3, ["audit entry 2 (draft.approved) changed"])


def test_verify_names_an_entry_rewritten_with_a_fresh_hash(db: Database) -> None:
    append(db, "request.created", "draft.approved", "request.retried")
    forged = chain(db)[1]
    forged.actor = "mallory"
    tamper(db, f"UPDATE audit_log SET actor = 'mallory', hash = '{audit_chain.entry_hash(forged)}' WHERE id = 2")
    assert audit_chain.verify(db) == (
        3,
        ["audit entry 2 (draft.approved) changed (its hash no longer matches the link in entry 3)"],
    )


def test_verify_names_a_removed_entry_in_the_middle_and_at_the_end(db: Database) -> None:
    append(db, "request.created", "draft.created", "draft.approved", "request.retried")
    tamper(db, "DELETE FROM audit_log WHERE id IN (2, 4)")
    assert audit_chain.verify(db) == (
        2,
        [
            "audit entry 2 removed (before audit entry 3 (draft.approved))",
            "audit entry 4 removed (the chain head ends there)",
        ],
    )
