"""Drafting is bounded by the LLM's capacity, not by threads: a pool runs at most its capacity,
claims in queue order as slots free, and the requester sees their place in the queue until
their drafting starts."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient

from brandbot.config import LOCAL_MODEL_NAME, Settings
from brandbot.services import Services
from brandbot.slack import requests
from brandbot.slack.deps import SlackDeps
from brandbot.slack.directory import Directory
from brandbot.slack.notices import Courier
from brandbot.store import queue
from brandbot.store.models import WorkItem
from brandbot.store.outbox import Notice
from brandbot.workers import Handler, WorkerPool, run_one
from tests.support.slack_standin import StandIn

THREAD = {"channel": "CGENERAL", "thread_ts": "1700000000.000100"}


def test_the_bound_defaults_to_the_llm_server_it_talks_to() -> None:
    assert Settings(_env_file=None, llm_model=LOCAL_MODEL_NAME).resolved_llm_max_in_flight == 16  # type: ignore[call-arg]
    llama = Settings(_env_file=None, llm_model="meta-llama/Llama-4-Scout-17B-16E-Instruct")  # type: ignore[call-arg]
    assert llama.resolved_llm_max_in_flight == 64
    assert Settings(_env_file=None, llm_max_in_flight=200).resolved_llm_max_in_flight == 200  # type: ignore[call-arg]


def test_a_pool_runs_at_most_its_capacity_and_starts_rows_in_queue_order(services: Services) -> None:
    with services.db.session() as session:
        for number in range(12):
            queue.put(session, WorkItem, "noop", f"job-{number:02d}")
    lock = threading.Lock()
    started: list[int] = []
    running, peak = 0, 0

    def run(row: WorkItem) -> None:
        nonlocal running, peak
        with lock:
            started.append(row.id)
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    pool = WorkerPool("test", services.work, {"noop": Handler(run)}, capacity=3, idle_s=0.05)
    pool.start()
    try:
        deadline = time.monotonic() + 20
        while (len(started) < 12 or pool.busy) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        pool.stop()
    assert peak == 3, "every slot used, never more"
    for position, row_id in enumerate(started):
        earlier = set(started[:position])
        assert {other for other in started if other < row_id - 2} <= earlier, f"row {row_id} jumped the queue"


def test_the_requester_sees_how_many_drafts_wait_before_theirs(services: Services, standin: StandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=standin.api_url)
    courier = Courier(services, client)
    asked = [
        services.engine.submit(f"U{n}", "A post about Tidewell Restore", "slack", reply_to=THREAD) for n in range(3)
    ]
    handlers = courier.handlers()
    while (row := services.outbox.claim([Notice.queued])) is not None:
        run_one(services.outbox, row, handlers[row.kind])
    said = [m["text"] for m in standin.posts_to("CGENERAL")]
    assert len(said) == 3
    assert "yours is next" in said[0] and "1 draft ahead" in said[1] and "2 drafts ahead" in said[2]

    first = asked[0]
    assert first is not None and first.reply_to is not None
    deps = SlackDeps(services, Directory(services.settings, client), client)
    row = services.work.claim(key=f"draft:{first.id}")
    assert row is not None
    run_one(services.work, row, requests.handler(deps))
    deps.news.shutdown(wait=True)
    while (notice := services.outbox.claim([Notice.draft_ready])) is not None:
        run_one(services.outbox, notice, handlers[notice.kind])
    messages = standin.posts_to("CGENERAL")
    assert len(messages) == 3, "the queued message became the progress message; nothing new was posted"
    status_ts = services.requests.get_request(first.id).reply_to["status_ts"]  # type: ignore[union-attr]
    assert "waiting for an approver" in next(m["text"] for m in messages if m["_ts"] == status_ts)
    assert services.engine.queue_position(first.id) is None
    assert services.engine.queue_position(asked[2].id) == 1  # type: ignore[union-attr]


def test_a_queued_notice_delivered_after_drafting_started_posts_nothing(services: Services, standin: StandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=standin.api_url)
    request = services.engine.submit("alice", "A post about Tidewell Restore", "slack", reply_to=THREAD)
    assert request is not None
    deps = SlackDeps(services, Directory(services.settings, client), client)
    row = services.work.claim(key=f"draft:{request.id}")
    assert row is not None
    notice = services.outbox.claim([Notice.queued])
    assert notice is not None
    run_one(services.outbox, notice, Courier(services, client).handlers()[Notice.queued])
    assert standin.posts_to("CGENERAL") == [], "drafting has started: no place in the queue to tell"
    run_one(services.work, row, requests.handler(deps))
    deps.news.shutdown(wait=True)
    assert len(standin.posts_to("CGENERAL")) <= 1, "at most its progress message"


def test_of_two_progress_messages_posted_at_once_the_first_is_kept(services: Services, standin: StandIn) -> None:
    request = services.engine.submit("alice", "A post about Tidewell Restore", "slack", reply_to=THREAD)
    assert request is not None
    assert services.requests.claim_status_message(request.id, "111.1") == "111.1"
    assert services.requests.claim_status_message(request.id, "222.2") == "111.1"
    assert services.requests.get_request(request.id).reply_to["status_ts"] == "111.1"  # type: ignore[union-attr]
