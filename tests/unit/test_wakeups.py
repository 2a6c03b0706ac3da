"""Workers start on queued work at once, not at their next poll: a write in this process wakes
its pools, and on PostgreSQL a row committed by another process wakes the pools of its kind here
(LISTEN/NOTIFY), never for a transaction that rolled back."""

from __future__ import annotations

import queue as notifications
import threading
import time
from datetime import timedelta

import pytest

from brandbot.config import Settings
from brandbot.store import queue
from brandbot.store.db import Database
from brandbot.store.models import OutboxMessage, WorkItem
from brandbot.store.wakeups import QueuedListener
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import Handler, Wakeups, WorkerPool
from tests.support.deployed import SharedStorage

POLL_S = 60.0
"""Longer than any wait below: a row found in time was found because a wake-up came."""


@pytest.mark.both_configurations
def test_a_nudge_for_a_kind_wakes_only_the_pools_that_run_it(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.create_schema()
    ran: dict[str, threading.Event] = {"draft": threading.Event(), "answer": threading.Event()}
    store = _queue(db)
    pools = [
        WorkerPool(kind, store, {kind: Handler(lambda row, kind=kind: ran[kind].set())}, capacity=1, idle_s=POLL_S)
        for kind in ran
    ]
    wake = Wakeups()
    for pool in pools:
        wake.add(pool)
        pool.start()
    try:
        time.sleep(0.2)  # both claimers have looked once and now wait out their poll
        with db.session() as session:
            queue.put(session, WorkItem, "draft", "draft-1")
            queue.put(session, WorkItem, "answer", "answer-1")
        wake.kind("draft")
        assert ran["draft"].wait(5), "the draft pool was woken"
        assert not ran["answer"].wait(0.5), "the answer pool waits for its own wake-up or its poll"
        wake.all()
        assert ran["answer"].wait(5)
    finally:
        for pool in pools:
            pool.stop()
        db.dispose()


def test_on_postgresql_a_committed_row_names_its_kind_to_every_listener(deployed_storage: SharedStorage) -> None:
    with deployed_storage.fresh() as storage:
        _heard_once_a_kind_per_commit(storage["database_url"])


def _heard_once_a_kind_per_commit(url: str) -> None:
    db = Database(url)
    db.create_schema()
    heard: notifications.Queue[str] = notifications.Queue()
    listener = QueuedListener(url, heard.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        with pytest.raises(RuntimeError), db.session() as session:
            queue.put(session, WorkItem, "draft", "rolled-back")
            raise RuntimeError("the transaction rolls back")
        with db.session() as session:
            queue.put(session, WorkItem, WorkKind.intake, "intake-1")
            queue.put(session, WorkItem, WorkKind.intake, "intake-2")
            queue.put(session, OutboxMessage, "decided", "decided-1")
        kinds = {heard.get(timeout=5), heard.get(timeout=5)}
        assert kinds == {WorkKind.intake, "decided"}, (
            "one notification a kind for the transaction, none for the rollback"
        )
        with pytest.raises(notifications.Empty):
            heard.get(timeout=0.5)
    finally:
        listener.stop()
        db.dispose()


def _queue(db: Database) -> queue.Queue[WorkItem]:
    return queue.Queue(db, WorkItem, "test-owner", timedelta(seconds=60))
