"""Hourly budgets on SQLite and on a real PostgreSQL. A burst from one person (threads released
together, as workers of several replicas would run them) passes each budget exactly to its limit;
in Slack, every message past it is told why in its thread and queues nothing. The upgrade counts
the drafts already asked for in its hour."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import String, column, insert, select, table

from brandbot.config import Settings
from brandbot.services import Services
from brandbot.store.db import Database
from brandbot.store.models import LLMBudget, UTCDateTime, WorkItem, utcnow
from brandbot.store.work_kinds import WorkKind
from brandbot.workflow.engine import RequestInvalid
from tests.conftest import make_settings
from tests.support.bolt_app import bolt_app, dispatch
from tests.support.concurrency import at_once
from tests.support.fake_llm import FakeLLM
from tests.support.servers import postgres
from tests.support.slack_standin import event
from tests.support.slack_work import deliver_outbox

LIMIT, BURST = 4, 16
ALICE, DM = "UALICE01", "DALICE01"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data = Path(tmp_path_factory.mktemp(request.param)) / "data"
    limits = {"max_drafts_per_hour": LIMIT, "max_questions_per_hour": LIMIT, "llm_base_url": "http://127.0.0.1:9/v1"}
    if request.param == "sqlite":
        yield make_settings(data, **limits)
        return
    with postgres() as database_url:
        yield make_settings(data, database_url=database_url, **limits)


def test_a_burst_of_requests_passes_exactly_the_drafts_budget(settings: Settings) -> None:
    services = Services(settings, llm=FakeLLM().client(settings))
    try:

        def submit() -> str:
            try:
                services.engine.submit("burst-drafts", "A post about Tidewell Backup")
            except RequestInvalid as refused:
                return str(refused)
            return "queued"

        outcomes = at_once(BURST, submit)
        assert outcomes.count("queued") == LIMIT
        assert all("You have asked for 4 drafts in the last hour" in o for o in outcomes if o != "queued")
        assert len(services.requests.list_requests(requester="burst-drafts")) == LIMIT
    finally:
        services.close()


def test_a_burst_of_messages_in_slack_passes_exactly_the_questions_budget(settings: Settings) -> None:
    with bolt_app(settings) as (app, services, standin):
        sent = iter(range(BURST))

        def send() -> str:
            n = next(sent)
            ts = f"{1_700_000_100 + n}.000100"
            body = {
                "type": "message",
                "channel_type": "im",
                "channel": DM,
                "user": ALICE,
                "text": f"Can I say cheap {n}?",
            }
            assert dispatch(app, event({**body, "ts": ts}, f"EvBurst{n:04d}"), form=False).status == 200
            return ts

        threads = at_once(BURST, send)
        with services.db.read() as session:
            queued = list(session.scalars(select(WorkItem.payload).where(WorkItem.kind == WorkKind.intake)))
        assert len(queued) == LIMIT
        deliver_outbox(services)
        told = [standin.posts_to(DM, ts) for ts in threads]
        assert sorted(len(messages) for messages in told) == [0] * LIMIT + [1] * (BURST - LIMIT)
        spent = r":warning: You have sent me 4 messages in the last hour, the most one person can\. You can ask again"
        assert all(re.match(spent, messages[0]["text"]) for messages in told if messages)
        refused = {ts for ts, messages in zip(threads, told, strict=True) if messages}
        assert not refused & {payload["reply_to"]["thread_ts"] for payload in queued}


def test_the_upgrade_counts_the_drafts_already_asked_for_this_hour(empty_database: Database) -> None:
    empty_database.create_schema("0014")
    requests = table(
        "requests",
        *(column(name, String) for name in ("id", "requester", "text", "origin", "status")),
        column("created_at", UTCDateTime()),
        column("updated_at", UTCDateTime()),
    )
    now = utcnow()
    rows = [("req_a1", "alice", "slack"), ("req_a2", "alice", "cli"), ("req_b1", "bob", "import")]
    with empty_database.engine.begin() as connection:
        connection.execute(
            insert(requests),
            [
                {
                    "id": id_,
                    "requester": who,
                    "text": "A post",
                    "origin": origin,
                    "status": "received",
                    "created_at": now,
                    "updated_at": now,
                }
                for id_, who, origin in rows
            ],
        )
    empty_database.create_schema()
    with empty_database.read() as session:
        counted = [(row.person, row.kind, row.used) for row in session.scalars(select(LLMBudget))]
    assert counted == [("alice", "draft", 2)], "an imported text is no draft"
