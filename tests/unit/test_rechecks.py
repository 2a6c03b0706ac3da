"""Re-checks after guideline and rules changes: a history made through the real workflow, then a
new rule, a replaced guideline and a removed one; what no longer holds, resuming, the window,
the work rows the changes queue, and the digest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.slack.blocks import rechecks as digest_blocks
from brandbot.store.models import Decision, Draft, WorkItem, utcnow
from brandbot.store.rechecks import FindingKind
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import LostOwnership
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

VOICE = b"# Voice\n\n## Tone\n\nBe calm and plain with customers."
VOICE_NEW = b"# Voice\n\n## Tone\n\nBe warm and direct with customers."
LEGAL = b"# Legal\n\n## Claims\n\nNever promise uptime."
ALL = {"rules": True, "documents": None}


def _file(name: str, data: bytes) -> SourceFile:
    return SourceFile(name, len(data), lambda: data)


@pytest.fixture
def history(settings: Settings, tmp_path: Path) -> Iterator[tuple[Services, list[str]]]:
    fake = FakeLLM(drafts=["Tidewell Backup is cheap to run."])
    services = Services(settings.model_copy(update={"approval_channel": "CAPPROVALS"}), llm=fake.client(settings))
    services.knowledge_base.add([_file("voice.md", VOICE), _file("legal.md", LEGAL)], "admin")
    approved = []
    for draft_text in ("Tidewell Backup is cheap to run.", "Tidewell Sync keeps files close.", "Tidewell Vault."):
        fake.drafts = [draft_text]
        outcome = services.engine.ask("alice", f"An X post: {draft_text}")
        assert outcome.draft is not None
        decide(services.engine, outcome.draft.id, "bob", "approve")
        approved.append(outcome.draft.request_id)
    yield services, approved
    services.close()


def _change_everything(services: Services, tmp_path: Path) -> None:
    style = tmp_path / "styles"
    (style / "Brand").mkdir(parents=True)
    (style / "Brand" / "Cheap.yml").write_text(
        "extends: substitution\nmessage: Use '%s', not '%s'.\nlevel: error\nswap:\n  cheap: affordable\n"
    )
    (style / "config.yml").write_text("styles: [Brand]\n")
    library.add(services.settings, services.db, style, actor="admin")
    services.knowledge_base.add([_file("voice.md", VOICE_NEW)], "admin")
    services.knowledge_base.remove("legal.md", "admin")


def test_finds_the_rule_and_the_changed_and_removed_passages(
    history: tuple[Services, list[str]], tmp_path: Path
) -> None:
    services, (cheap, *_) = history
    _change_everything(services, tmp_path)
    rechecker = services.rechecker
    run = rechecker.start("test", "cli", ALL)
    rechecker.run(run)
    found = rechecker.store.findings(run.id)
    rules = [f for f in found if f.kind == FindingKind.rule]
    assert [(f.request_id, f.detail["check"], f.detail["match"]) for f in rules] == [(cheap, "Brand.Cheap", "cheap")]
    changed = [f for f in found if f.kind == FindingKind.passage_changed]
    assert changed and {f.detail["doc_id"] for f in changed} == {"voice.md"}
    assert all("Be calm and plain with customers." in f.detail["old_text"] for f in changed), changed[0].detail
    assert all("Be warm and direct with customers." in f.detail["new_text"] for f in changed)
    removed = [f for f in found if f.kind == FindingKind.passage_removed]
    assert removed and {f.detail["doc_id"] for f in removed} == {"legal.md"}
    assert all("Never promise uptime." in f.detail["old_text"] for f in removed)
    assert run.checked == 3


def test_each_change_queues_one_recheck_row(history: tuple[Services, list[str]], tmp_path: Path) -> None:
    services, _ = history
    _change_everything(services, tmp_path)
    with services.db.read() as session:
        rows = session.scalars(select(WorkItem).where(WorkItem.kind == WorkKind.recheck).order_by(WorkItem.id)).all()
    scopes = [row.payload["scope"] for row in rows]
    assert scopes == [
        {"rules": True, "documents": []},
        {"rules": False, "documents": ["voice.md"]},
        {"rules": False, "documents": ["legal.md"]},
    ]


def test_texts_older_than_the_window_are_skipped(history: tuple[Services, list[str]], tmp_path: Path) -> None:
    services, (cheap, *_) = history
    with services.db.session() as session:
        draft_id = session.scalar(select(Draft.id).where(Draft.request_id == cheap))
        session.execute(
            update(Decision).where(Decision.draft_id == draft_id).values(decided_at=utcnow() - timedelta(days=10))
        )
    _change_everything(services, tmp_path)
    run = services.rechecker.start("old", "cli", ALL, days=5)
    services.rechecker.run(run)
    assert run.total == 2 and run.checked == 2
    assert cheap not in {f.request_id for f in services.rechecker.store.findings(run.id)}


def test_a_killed_run_resumes_without_checking_done_texts_again(
    history: tuple[Services, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, approved = history
    _change_everything(services, tmp_path)
    rechecker = services.rechecker
    checked: list[str] = []
    original = rechecker.store.batch

    def counting(run, limit):  # type: ignore[no-untyped-def]
        texts = original(run, limit)
        checked.extend(text.request_id for text in texts)
        return texts

    monkeypatch.setattr(rechecker.store, "batch", counting)
    run = rechecker.start("killed", "cli", ALL)
    calls = iter([True, False])
    with pytest.raises(LostOwnership):
        rechecker.run(run, batch=1, still_held=lambda: next(calls))
    assert run.checked == 1
    resumed = rechecker.start("killed", "cli", ALL)
    rechecker.run(resumed, batch=1)
    assert resumed.checked == 3
    assert sorted(set(checked)) == sorted(approved) and checked.count(sorted(approved)[0]) == 1
    assert len([f for f in rechecker.store.findings(run.id) if f.kind == FindingKind.rule]) == 1


def test_the_digest_is_queued_built_and_escaped(history: tuple[Services, list[str]], tmp_path: Path) -> None:
    services, _ = history
    _change_everything(services, tmp_path)
    run = services.rechecker.start("digest", "rules:9", ALL)
    services.rechecker.run(run)
    notice = services.outbox.by_key(f"recheck_digest:{run.id}")
    assert notice is not None and notice.payload == {"recheck_id": run.id}
    findings = services.rechecker.store.findings(run.id)
    findings[0].detail = (
        {**findings[0].detail, "match": "<@U1> & <!channel>"} if findings[0].kind == "rule" else findings[0].detail
    )
    message = digest_blocks.digest(run, findings, {f.request_id: "<script>x</script>" for f in findings})
    text = json.dumps(message)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Be warm and direct" in text and "Never promise uptime." in text
    buttons = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(buttons) == len({f.request_id for f in findings}) and len(message["blocks"]) <= 50
    assert buttons[0]["elements"][0]["action_id"] == digest_blocks.REQUEST_REVISION
