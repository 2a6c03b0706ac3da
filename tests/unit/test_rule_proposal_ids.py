"""A rule proposal's id names that proposal for good: once a refresh drops a waiting proposal, its
id is never given to another, so a stale Adopt button (or an id typed from an old listing) finds
nothing instead of adopting a different rule. On SQLite too, whose rowids are reused otherwise,
and for proposals made before the upgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from brandbot.store import proposals
from brandbot.store.db import Database


def found(phrase: str) -> proposals.Found:
    return proposals.Found(f"substitution:{phrase}:better", "substitution", phrase, "better", [], {})


def test_an_id_dropped_by_a_refresh_is_never_given_again(empty_database: Database) -> None:
    empty_database.create_schema()
    proposals.sync(empty_database, [found("cheap"), found("utilize")])
    ids = {row.phrase: row.id for row in proposals.waiting(empty_database)}
    proposals.sync(empty_database, [found("cheap")])
    proposals.sync(empty_database, [found("cheap"), found("leverage")])
    [leverage] = [row for row in proposals.waiting(empty_database) if row.phrase == "leverage"]
    assert leverage.id not in ids.values()
    with pytest.raises(LookupError, match=f"no rule proposal {ids['utilize']}"):
        proposals.dismiss(empty_database, ids["utilize"], "U07ADMIN001")
    assert leverage.state == "proposed"


def test_the_upgrade_keeps_sqlite_proposals_and_their_ids(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'app.db'}")
    database.create_schema("0012")
    proposals.sync(database, [found("cheap"), found("utilize"), found("synergy")])
    before = {row.phrase: row.id for row in proposals.waiting(database)}
    proposals.sync(database, [found("cheap"), found("utilize")])
    database.create_schema()
    assert {row.phrase: row.id for row in proposals.waiting(database)} == {
        phrase: before[phrase] for phrase in ("cheap", "utilize")
    }
    proposals.sync(database, [found("cheap")])
    proposals.sync(database, [found("cheap"), found("leverage")])
    [leverage] = [row for row in proposals.waiting(database) if row.phrase == "leverage"]
    assert leverage.id > before["utilize"]
    with database.engine.connect() as connection:
        assert "AUTOINCREMENT" in connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'rule_proposals'"))
    database.dispose()
