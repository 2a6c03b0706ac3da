"""Work rows and the outbox: written with their facts, claimed by one worker, retried, given up on,
taken over when a lease lapses; and the request paths built on them (decide, retry, draft)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.llm import LLMClient
from brandbot.services import Services
from brandbot.slack.background import Background
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.store import queue, retention
from brandbot.store.audit import entries
from brandbot.store.models import OutboxMessage, WorkItem, utcnow
from brandbot.store.queue import Queue
from brandbot.store.requests import DraftRecord, resume_key
from brandbot.workers import MAX_ATTEMPTS, Handler, run_one
from brandbot.workflow import approvals
from tests.support.concurrency import at_once
from tests.support.fake_llm import FakeLLM
from tests.support.retention import EXPECTED, age_rows, kept
from tests.support.slack_standin import StandIn

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain. Say affordable, never cheap."
SLACK_THREAD = {"channel": "CGENERAL", "thread_ts": "1.0"}


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services(settings, llm=FakeLLM(drafts=["First draft.", "Second draft."]).client(settings))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()


def other_worker(services: Services, name: str = "replica-b", lease_s: float = 60) -> Queue[WorkItem]:
    return Queue(services.db, WorkItem, name, timedelta(seconds=lease_s))


def put(services: Services, key: str, kind: str = "noop") -> None:
    with services.db.session() as session:
        queue.put(session, WorkItem, kind, key)


def rows(services: Services, model: type[WorkItem] | type[OutboxMessage]) -> list[tuple[str, str]]:
    with services.db.session() as session:
        return [(row.kind, row.state) for row in session.scalars(select(model).order_by(model.id))]


def test_a_row_is_claimed_by_exactly_one_of_many_workers(services: Services) -> None:
    put(services, "only-one")
    put(services, "only-one")
    barrier = threading.Barrier(6)
    claimed: list[int] = []

    def claim(number: int) -> None:
        barrier.wait()
        if other_worker(services, f"w{number}").claim(["noop"]) is not None:
            claimed.append(number)

    threads = [threading.Thread(target=claim, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 1
    assert rows(services, WorkItem) == [("noop", "running")]


def test_a_lapsed_lease_is_taken_over_and_the_first_owner_changes_nothing(services: Services) -> None:
    put(services, "slow")
    first, second = other_worker(services, "a", lease_s=0.3), other_worker(services, "b")
    row = first.claim()
    assert row is not None and second.claim() is None, "a live lease keeps the row"
    assert first.still_held(row)
    time.sleep(0.4)
    taken = second.claim()
    assert taken is not None and taken.id == row.id and taken.attempts == 2
    assert first.renew() == 0, "the heartbeat no longer covers it"
    assert not first.still_held(row) and second.still_held(taken)
    assert first.finish(row.id) is False
    assert second.finish(row.id) is True
    assert rows(services, WorkItem) == [("noop", "done")]


def test_a_failing_row_is_retried_with_backoff_then_given_up_and_told(services: Services) -> None:
    put(services, "doomed")
    worker = other_worker(services)
    given_up: list[str] = []

    def explode(row: WorkItem) -> None:
        raise RuntimeError("disk full")

    handler = Handler(explode, lambda row, reason: given_up.append(reason))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with services.db.session() as session:
            session.execute(update(WorkItem).values(run_after=WorkItem.created_at))
        row = worker.claim()
        assert row is not None and row.attempts == attempt
        run_one(worker, row, handler)
        stored = worker.get(row.id)
        assert stored is not None
        if attempt < MAX_ATTEMPTS:
            assert stored.state == "queued" and stored.run_after > row.created_at and "disk full" in str(stored.error)
    assert rows(services, WorkItem) == [("noop", "failed")]
    assert given_up == ["RuntimeError: disk full"]


def test_a_request_writes_its_draft_job_and_a_slack_request_its_card_notice(services: Services) -> None:
    request = services.engine.submit("alice", "A tweet about Tidewell Backup", "slack", reply_to=SLACK_THREAD)
    assert request is not None
    assert rows(services, WorkItem) == [("draft", "queued")]
    assert rows(services, OutboxMessage) == [("queued", "queued")], "the requester hears its place in the queue"
    run = services.engine.run_now(f"draft:{request.id}", request.id)
    assert run.draft is not None and run.request.status == "awaiting_review"
    assert rows(services, OutboxMessage) == [("queued", "queued"), ("draft_ready", "queued")]
    assert rows(services, WorkItem) == [("draft", "done")]


def test_a_repeated_slack_event_creates_nothing(services: Services) -> None:
    keys = ("Ev001", "message:C1:1.0")
    assert services.engine.submit("alice", "A tweet", "slack", reply_to=SLACK_THREAD, event_keys=keys) is not None
    assert services.engine.submit("alice", "A tweet", "slack", reply_to=SLACK_THREAD, event_keys=keys) is None
    assert services.engine.submit("alice", "A tweet", "slack", event_keys=("Ev002", keys[1])) is None
    assert len(services.requests.list_requests()) == 1 and len(rows(services, WorkItem)) == 1


def test_a_decision_writes_its_resume_and_news_and_any_worker_resumes_it(services: Services) -> None:
    request = services.engine.submit("alice", "A tweet about Tidewell Backup", "slack", reply_to=SLACK_THREAD)
    assert request is not None
    draft = services.engine.run_now(f"draft:{request.id}", request.id).draft
    assert draft is not None
    approvals.decide(services.engine, draft.id, "bob", "approve")
    assert ("resume", "queued") in rows(services, WorkItem)
    assert ("decided", "queued") in rows(services, OutboxMessage)
    assert services.engine.pending_review(request.id) is not None, "the deciding process 'died' here"
    replica = other_worker(services)
    row = replica.claim(["resume"])
    assert row is not None and row.key == resume_key(draft.id)
    run_one(replica, row, services.engine.handler())
    assert services.requests.get_request(request.id).status == "approved"  # type: ignore[union-attr]
    assert services.engine.pending_review(request.id) is None


def test_a_worker_that_lost_its_request_stops_before_writing(services: Services) -> None:
    request = services.engine.submit("alice", "A tweet about Tidewell Backup")
    assert request is not None
    worker = other_worker(services, "replica-a", lease_s=0.3)
    row = worker.claim(key=f"draft:{request.id}")
    assert row is not None
    time.sleep(0.4)
    assert other_worker(services, "replica-b").claim(key=row.key) is not None, "its lease lapsed"
    run_one(worker, row, services.engine.handler())
    assert services.requests.latest_draft(request.id) is None
    assert services.requests.get_request(request.id).status == "received"  # type: ignore[union-attr]
    assert rows(services, WorkItem) == [("draft", "running")], "left to the replica that owns it"


def test_two_retries_at_once_give_one_run(services: Services, settings: Settings) -> None:
    fake = FakeLLM(down=True)
    down = Services(settings, llm=fake.client(settings))
    try:
        run = down.engine.ask("alice", "A tweet about Tidewell Backup")
        assert run.request.status == "failed"
        won = at_once(2, lambda: down.requests.reopen(run.request.id, "alice"))
        assert sorted(won) == [False, True]
        assert [kind for kind, _ in rows(down, WorkItem)] == ["draft", "retry"]
        assert down.requests.reopen(run.request.id, "alice") is False
    finally:
        down.close()


def test_recording_the_same_draft_twice_at_once_gives_one_row(services: Services) -> None:
    request = services.engine.submit("alice", "A tweet")
    assert request is not None
    record = DraftRecord(request.id, 1, "Text.", [], [], [], [], 0, "fake-model")
    ids = at_once(4, lambda: services.requests.record_draft(record, timedelta(hours=1)).id)
    assert len(set(ids)) == 1
    assert [entry.action for entry in entries(services.db, request_id=request.id)].count("draft.created") == 1


def test_the_heartbeat_keeps_leases_while_a_sweep_hangs(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = settings.model_copy(update={"worker_heartbeat_s": 0.05, "sweep_every_s": 0.05, "worker_stale_s": 60})
    built = Services(fast, llm=FakeLLM().client(fast))
    hanging, release = threading.Event(), threading.Event()

    def hang(self: Background) -> None:
        hanging.set()
        release.wait(10)

    monkeypatch.setattr(Background, "sweep", hang)
    put(built, "long-job")
    row = built.work.claim(["noop"])
    assert row is not None and row.lease_until is not None
    client = WebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/")
    background = Background(SlackDeps(built, Directory(fast, client), client))
    background.start()
    try:
        assert hanging.wait(5), "the sweep started and hangs"
        time.sleep(0.5)
        renewed = built.work.get(row.id)
        assert renewed is not None and renewed.lease_until is not None and renewed.lease_until > row.lease_until
    finally:
        release.set()
        background.stop()
        built.close()


def test_the_sweep_prunes_event_keys_and_finished_rows_past_their_retention(
    services: Services, settings: Settings
) -> None:
    age_rows(services, "sweep", utcnow())
    client = WebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/")
    Background(SlackDeps(services, Directory(settings, client), client)).sweep()
    assert kept(services, "sweep") == EXPECTED


def test_a_pruning_backlog_goes_a_batch_at_a_time(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 1)
    age_rows(services, "backlog", utcnow())
    first = retention.prune(services.db, services.settings)
    assert (first.events, first.work, first.outbox) == (1, 1, 1)
    retention.prune(services.db, services.settings)
    assert kept(services, "backlog") == EXPECTED


def test_at_stop_a_draft_still_running_stops_at_its_next_step_and_is_released(
    settings: Settings, standin: StandIn
) -> None:
    """Drafts that outlive the stop's grace time must not run on into closed pools: the worker
    stops at its next step, writing nothing, and the row goes back to the queue for another."""
    fast = settings.model_copy(update={"approval_channel": "CAPPROVALS", "worker_poll_s": 0.05})
    fake, drafting, answered = FakeLLM(drafts=["Tidewell Backup, in one click."]), threading.Event(), threading.Event()

    def slow_draft(request: httpx.Request) -> httpx.Response:
        if b"response_format" not in request.content:
            drafting.set()
            answered.wait(10)
        return fake(request)

    built = Services(fast, llm=LLMClient(fast, transport=httpx.MockTransport(slow_draft), sleep=lambda _: None))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    client = WebClient(token=standin.token, base_url=standin.api_url)
    background = Background(SlackDeps(built, Directory(fast, client), client))
    try:
        request = built.engine.submit("alice", "A tweet about Tidewell Backup", "slack", reply_to=SLACK_THREAD)
        assert request is not None
        background.start()
        assert drafting.wait(10), "the draft is at the LLM"
        background.stop(timeout=0.2)
        answered.set()
        key = f"draft:{request.id}"

        def settled() -> WorkItem | None:
            found = built.work.by_key(key)
            return found if found is not None and found.state != "running" else None

        row = standin.wait_for(settled, timeout=20, what="the draft's row to settle")
        assert (row.state, row.owner, row.error) == ("queued", None, None), "released, with nothing gone wrong"
        assert built.requests.latest_draft(request.id) is None, "the stopped worker recorded nothing"
        assert built.engine.run_now(key, request.id).request.status == "awaiting_review", "another worker drafts it"
    finally:
        answered.set()
        built.close()
