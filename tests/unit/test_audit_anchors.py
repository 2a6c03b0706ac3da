"""Anchors of the audit chain: the sweep posts the head's hash to the approval channel once a day
(through the outbox, to the Slack stand-in over HTTP), the posted message reads back as an
anchor, and `check` names an anchored entry the chain no longer holds after whoever owns the
database cut the log back and moved the head to match."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import text, update

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.slack.background import Background
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.notices import Courier
from brandbot.store import audit, audit_anchors, audit_chain
from brandbot.store.audit import entries
from brandbot.store.db import Database
from brandbot.store.models import AuditAnchor, utcnow
from brandbot.workers import run_one
from tests.support.slack_standin import StandIn


def deliver_all(services: Services, client: WebClient) -> None:
    handlers = Courier(services, client).handlers()
    while (row := services.outbox.claim()) is not None:
        run_one(services.outbox, row, handlers[row.kind])


def append(services: Services, action: str) -> None:
    with services.db.session() as session:
        audit.record(session, "alice", action)


def test_the_sweep_posts_the_head_to_the_approval_channel_once_a_day(
    services: Services, settings: Settings, standin: StandIn
) -> None:
    client = WebClient(token="xoxb-test", base_url=standin.api_url)
    background = Background(SlackDeps(services, Directory(settings, client), client))
    append(services, "test.first")
    background.sweep()
    deliver_all(services, client)
    head = entries(services.db, limit=100_000)[-1]
    [posted] = standin.posts_to("CAPPROVALS")
    assert f"entry {head.id} sha256 `{head.hash}`" in posted["text"]
    assert audit_anchors.parse(posted["text"], "the channel") == [audit_anchors.Anchor(head.id, head.hash, None)]

    append(services, "test.second")
    background.sweep()
    assert len(audit_anchors.recorded(services.db)) == 1, "not again within the day"
    with services.db.session() as session:
        session.execute(update(AuditAnchor).values(anchored_at=utcnow() - timedelta(hours=25)))
    background.sweep()
    background.sweep()
    deliver_all(services, client)
    anchors = audit_anchors.recorded(services.db)
    assert [anchored.entry_id for anchored in anchors] == [head.id, head.id + 1]
    assert len(standin.posts_to("CAPPROVALS")) == 2

    with services.db.session() as session:
        session.execute(update(AuditAnchor).values(anchored_at=utcnow() - timedelta(hours=25)))
    background.sweep()
    assert len(audit_anchors.recorded(services.db)) == 2, "the head has not moved since the last anchor"


def test_without_an_approval_channel_an_anchor_is_recorded_but_not_posted(services: Services) -> None:
    append(services, "test.first")
    anchored = audit_anchors.anchor(services.db, "cli", None)
    assert anchored is not None and audit_anchors.recorded(services.db) == [anchored]
    assert services.outbox.claim() is None


def test_an_empty_log_has_nothing_to_anchor(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        db.create_schema()
        assert audit_anchors.anchor(db, "cli", "CAPPROVALS") is None
        assert audit_anchors.anchor_if_due(db, "sweep", "CAPPROVALS") is None
        assert audit_anchors.recorded(db) == []
    finally:
        db.dispose()


def test_a_log_cut_back_with_its_head_moved_to_match_fails_the_anchor(services: Services) -> None:
    for number in range(4):
        append(services, f"test.{number}")
    anchored = audit_anchors.anchor(services.db, "cli", None)
    assert anchored is not None and audit_anchors.check(services.db, [anchored]) == []
    kept = entries(services.db, limit=100_000)[-3]
    with services.db.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text("DELETE FROM audit_log WHERE id > :id"), {"id": kept.id})
        connection.execute(
            text("UPDATE audit_chain_head SET last_id = :id, last_hash = :hash"), {"id": kept.id, "hash": kept.hash}
        )
    assert audit_chain.verify(services.db)[1] == [], "the chain alone verifies"
    assert audit_anchors.check(services.db, audit_anchors.recorded(services.db)) == [
        f"audit entry {anchored.entry_id} removed ({anchored.describe()} names it)"
    ]


def test_anchors_copied_from_slack_are_read_line_by_line() -> None:
    first, second = "a" * 64, "b" * 64
    copied = (
        "brandbot  APP  9:00 AM\n"
        f"Audit anchor: entry 12 sha256 `{first}` (2026-12-01 09:00:00 UTC).\n"
        "Leave this message here.\n"
        f"Audit anchor: entry 40 sha256 {second} (2026-12-02 09:00:00 UTC).\n"
    )
    assert audit_anchors.parse(copied, "anchors.txt") == [
        audit_anchors.Anchor(12, first, None),
        audit_anchors.Anchor(40, second, None),
    ]
    with pytest.raises(ValueError, match=r"anchors\.txt, line 2: no whole anchor"):
        audit_anchors.parse(f"entry 12 sha256 `{first}`\nentry 40 sha256 `{second[:-1]}`", "anchors.txt")
    with pytest.raises(ValueError, match=r"anchors\.txt holds no anchor"):
        audit_anchors.parse("nothing here\n", "anchors.txt")
