"""The drafts budget in the workflow: a new request, the requester's follow-up and a retry each
start a drafting run and are paid from it (a retry by whoever retries); one refused writes
nothing; the setting's earlier name still sets it; the sweep prunes the hours that are over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.store import retention
from brandbot.store.models import LLMBudget, Request, WorkItem, utcnow
from brandbot.workflow import approvals
from brandbot.workflow.approvals import DecisionRefused
from brandbot.workflow.engine import RequestInvalid
from tests.conftest import make_settings
from tests.support.fake_llm import FakeLLM

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    limited = settings.model_copy(update={"max_drafts_per_hour": 1})
    built = Services(limited, llm=FakeLLM(drafts=["First.", "Second."]).client(limited))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()


def work_kinds(services: Services) -> list[str]:
    with services.db.read() as session:
        return list(session.scalars(select(WorkItem.kind).order_by(WorkItem.id)))


def test_the_old_setting_name_still_sets_the_drafts_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANDBOT_MAX_REQUESTS_PER_HOUR", "7")
    assert make_settings(tmp_path).max_drafts_per_hour == 7
    monkeypatch.setenv("BRANDBOT_MAX_DRAFTS_PER_HOUR", "9")
    assert make_settings(tmp_path).max_drafts_per_hour == 9, "the new name wins"


def test_a_follow_up_is_a_draft_and_past_the_budget_is_refused_writing_nothing(services: Services) -> None:
    run = services.engine.ask("alice", "A tweet about Tidewell Backup")
    assert run.draft is not None
    with pytest.raises(DecisionRefused, match=r"You have asked for 1 draft in the last hour.*ask again in \d+ minute"):
        approvals.follow_up(services.engine, run.draft.id, "alice", "shorter")
    assert services.requests.decision_for(run.draft.id) is None
    assert services.requests.get_draft(run.draft.id).status == "pending"  # type: ignore[union-attr]
    assert services.engine.submit("bob", "A post about Tidewell Vault") is not None, "others are not held back"


def test_a_retry_is_a_draft_paid_by_whoever_retries(settings: Settings) -> None:
    limited = settings.model_copy(update={"max_drafts_per_hour": 1})
    down = Services(limited, llm=FakeLLM(down=True).client(limited))
    try:
        run = down.engine.ask("alice", "A tweet about Tidewell Backup")
        assert run.request.status == "failed"
        with pytest.raises(RequestInvalid, match=r"1 draft in the last hour"):
            down.engine.retry(run.request.id, "alice")
        assert down.requests.get_request(run.request.id).status == "failed"  # type: ignore[union-attr]
        assert work_kinds(down) == ["draft"], "no retry was queued"
        assert down.engine.reopen(run.request.id, "carol") is True, "an approver retrying pays from their own"
    finally:
        down.close()


def test_a_refused_request_writes_nothing(services: Services) -> None:
    assert services.engine.submit("alice", "A post about Tidewell Backup") is not None
    with pytest.raises(RequestInvalid, match=r"You have asked for 1 draft in the last hour.*ask again in \d+ minute"):
        services.engine.submit("alice", "One more post", event_keys=("Ev1",))
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Request)) == 1
    assert work_kinds(services) == ["draft"]
    assert services.events.claim("Ev1") is True, "the refused request's event key was not kept"


def test_the_sweep_prunes_the_hours_that_are_over(services: Services) -> None:
    services.engine.submit("alice", "A post about Tidewell Backup")
    with services.db.session() as session:
        session.execute(update(LLMBudget).values(window_start=utcnow() - timedelta(hours=2)))
    services.engine.submit("alice", "A post in this hour")
    retention.prune(services.db, services.settings)
    with services.db.read() as session:
        kept = list(session.scalars(select(LLMBudget.window_start)))
    assert len(kept) == 1 and kept[0] > utcnow() - timedelta(hours=1)
