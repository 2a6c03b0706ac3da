"""The store's once-only writes on a real PostgreSQL, where a conflicting INSERT reports no row
count to rely on: a Slack event claimed twice, a draft recorded twice (a resumed review node
re-runs), work rows claimed by racing replicas."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.store import audit, audit_chain, retention
from brandbot.store.audit import entries
from brandbot.store.models import utcnow
from brandbot.store.requests import DraftRecord
from brandbot.workflow import approvals
from tests.conftest import make_settings
from tests.support.concurrency import at_once
from tests.support.fake_llm import FakeLLM
from tests.support.retention import EXPECTED, age_rows, kept
from tests.support.servers import chroma_server, postgres

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with postgres() as database_url, chroma_server() as chroma_url:
        settings = make_settings(
            Path(tmp_path_factory.mktemp("pg")) / "data", database_url=database_url, chroma_url=chroma_url
        )
        built = Services(settings, llm=FakeLLM(drafts=["First.", "Second."]).client(settings))
        built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
        yield built
        built.close()


def test_a_slack_event_creates_one_request(services: Services) -> None:
    keys = ("EvPG000001", "message:C1:1700000000.000100")
    thread = {"channel": "C1", "thread_ts": "1700000000.000100"}
    first = services.engine.submit("alice", "A post (pg event)", "slack", reply_to=thread, event_keys=keys)
    again = services.engine.submit("alice", "A post (pg event)", "slack", reply_to=thread, event_keys=keys)
    assert first is not None and again is None
    assert services.events.claim("EvPG000002") is True and services.events.claim("EvPG000002") is False


def test_a_draft_recorded_again_is_announced_once(services: Services) -> None:
    request = services.engine.submit("alice", "A post (pg draft)")
    assert request is not None
    record = DraftRecord(request.id, 1, "Text.", [], [], [], [], 0, "fake-model")
    ids = at_once(3, lambda: services.requests.record_draft(record, timedelta(hours=1)).id)
    services.requests.record_draft(record, timedelta(hours=1))
    assert len(set(ids)) == 1
    assert [e.action for e in entries(services.db, request_id=request.id)].count("draft.created") == 1


def test_approving_resumes_without_recording_the_draft_again(services: Services) -> None:
    run = services.engine.ask("alice", "A post (pg approve)")
    assert run.draft is not None
    _, resumed = approvals.decide_and_resume(services.engine, run.draft.id, "bob", "approve")
    assert resumed.request.status == "approved"
    actions = [e.action for e in entries(services.db, request_id=run.request.id)]
    assert actions == ["request.created", "draft.created", "draft.approved"]


def test_event_keys_and_finished_rows_past_their_retention_are_pruned(services: Services) -> None:
    age_rows(services, "pg-prune", utcnow())
    retention.prune(services.db, services.settings)
    assert kept(services, "pg-prune") == EXPECTED


def test_concurrent_appends_keep_one_linear_chain(services: Services) -> None:
    """Writers racing to append (audit entries alone, and with requests) take turns on the chain
    head: every entry is written, ids follow the chain, and it verifies."""
    before = entries(services.db, limit=100_000)
    writers = itertools.count()

    def write() -> None:
        writer = next(writers)
        for number in range(10):
            with services.db.session() as session:
                audit.record(session, f"writer-{writer}", "test.appended", n=number)
        services.engine.submit(f"writer-{writer}", f"A post (pg chain {writer})")

    assert len(at_once(8, write)) == 8, "every writer finished"
    added = entries(services.db, limit=100_000)[len(before) :]
    assert len(added) == 8 * 11
    assert [entry.id for entry in added] == list(range(before[-1].id + 1, before[-1].id + 1 + len(added)))
    assert all(entry.prev_hash == previous.hash for previous, entry in zip([before[-1], *added], added, strict=False))
    assert audit_chain.verify(services.db) == (len(before) + len(added), [])
