"""`brandbot audit` as its own process over a history built here (ask, approve, ask, edit; a
scripted LLM drafts): the log, receipts in text and JSON, exports whose hashes anyone can
recompute, and `verify` naming each record changed behind the app's back, as a table owner."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.store import receipts
from tests.conftest import make_settings, settings_env
from tests.integration import cli
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."
EDITED = "Tidewell Restore: your files back in one click."


@dataclass(frozen=True)
class History:
    env: dict[str, str]
    services: Services
    approved: str
    """Approved as drafted by bob."""
    edited: str
    """Approved by bob with an edit."""


def build_history(data: Path) -> History:
    settings = make_settings(data)
    services = Services(settings, llm=FakeLLM(drafts=["Tidewell Restore is here."]).client(settings))
    services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    ids = []
    for action, text_ in (("approve", None), ("edit", EDITED)):
        run = services.engine.ask("alice", f"An X post about Tidewell Restore ({action})")
        assert run.draft is not None
        decide(services.engine, run.draft.id, "bob", action, text_)
        ids.append(run.request.id)
    return History(settings_env(settings), services, *ids)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    built = build_history(Path(tmp_path_factory.mktemp("audit")) / "data")
    yield built
    built.services.close()


def test_the_log_of_a_request(history: History) -> None:
    rows = cli.run_json(history.env, "audit", "log", history.approved)
    assert [row["action"] for row in rows] == ["request.created", "draft.created", "draft.approved"]
    assert all(len(row["hash"]) == 64 for row in rows) and rows[0]["id"] < rows[1]["id"] < rows[2]["id"]
    listed = cli.run(history.env, "audit", "log").stdout
    assert "When" in listed and "guideline.published" in listed and history.edited in listed


def test_a_receipt_in_text_and_json(history: History) -> None:
    found = receipts.find(history.services.db, history.edited)
    assert found is not None
    shown = cli.run_json(history.env, "audit", "receipt", history.edited)
    assert shown["request"]["id"] == history.edited and shown["decision"] == {
        "approver": "bob",
        "action": "edit",
        "decided_at": found.receipt.decision.decided_at,
    }
    assert shown["final_text_sha256"] == hashlib.sha256(EDITED.encode()).hexdigest() == shown["delivered_sha256"]
    assert shown["sha256"] == found.receipt.sha256() == shown["sealed"]["sha256"] and shown["changes"] == []
    assert shown["passages"][0]["doc_id"] == "voice.md" and shown["generation"]["model"] == "fake-model"
    assert cli.run_json(history.env, "audit", "receipt", found.receipt.draft.id) == shown, "by draft id too"

    text_ = cli.run(history.env, "audit", "receipt", history.edited).stdout
    for value in (f"Receipt of {history.edited}", "by bob", "(edited)", found.receipt.sha256(), "Tone", "Intact"):
        assert value in text_, value


def test_no_receipt_before_approval(history: History) -> None:
    missing = cli.run(history.env, "audit", "receipt", "req_nothing", check=False)
    assert missing.returncode == 1 and "req_nothing is not an approved request or draft" in missing.stderr


def test_exports_carry_hashes_anyone_can_recompute(history: History, tmp_path: Path) -> None:
    lines = cli.run(history.env, "audit", "export", "--since", "2000-01-01", "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(cli.run_json(history.env, "audit", "log"))
    for previous, row in zip([None, *rows], rows, strict=False):
        fields = {key: value for key, value in row.items() if key != "hash"}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(canonical.encode()).hexdigest() == row["hash"]
        assert row["prev_hash"] == (previous["hash"] if previous else "0" * 64)

    out = tmp_path / "audit.csv"
    written = cli.run(
        history.env, "audit", "export", "--since", "2000-01-01T00:00", "--format", "csv", "--out", str(out)
    )
    assert written.stdout == ""
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(int(r["id"]), r["hash"]) for r in table] == [(r["id"], r["hash"]) for r in rows]
    assert json.loads(table[-1]["detail"]) == rows[-1]["detail"]
    later = cli.run(history.env, "audit", "export", "--since", "2999-01-01", "--format", "csv").stdout
    assert later.splitlines() == ["id,at,actor,action,request_id,draft_id,revision,detail,prev_hash,hash"]


def test_a_bad_date_is_one_clear_line(history: History) -> None:
    bad = cli.run(history.env, "audit", "export", "--since", "31/12/2026", "--format", "jsonl", check=False)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: --since '31/12/2026' is not a date: use YYYY-MM-DD, or a time such as 2026-11-01T09:00+01:00."
    ]


def test_verify_names_each_record_changed_behind_the_apps_back(tmp_path: Path) -> None:
    history = build_history(tmp_path / "data")
    try:
        intact = cli.run(history.env, "audit", "verify")
        assert "Intact:" in intact.stdout and "and 2 receipts" in intact.stdout
        log = cli.run_json(history.env, "audit", "log", history.edited)
        created, approval = log[0], log[-1]
        with history.services.db.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
            connection.execute(
                text("UPDATE audit_log SET detail = json_set(detail, '$.origin', 'slack') WHERE id = :id"),
                {"id": created["id"]},
            )
            connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": approval["id"] - 1})
            connection.execute(
                text("UPDATE decisions SET final_text = 'Cheap backups!' WHERE draft_id = :draft"),
                {"draft": approval["draft_id"]},
            )
        broken = cli.run(history.env, "audit", "verify", check=False)
        assert broken.returncode == 1
        assert broken.stdout.splitlines() == [
            f"audit entry {created['id']} (request.created) changed",
            f"audit entry {approval['id'] - 1} removed (before audit entry {approval['id']} (draft.approved))",
            f"receipt of {history.edited}: decision final text changed",
            f"receipt of {history.edited}: the delivered text differs from the approved text",
        ]
        assert "4 record(s) changed" in broken.stderr
        report = json.loads(cli.run(history.env, "audit", "verify", "--output", "json", check=False).stdout)
        assert report["intact"] is False and len(report["problems"]) == 4 and report["receipts"] == 2
    finally:
        history.services.close()


def test_recheck_lists_what_a_guideline_change_broke(tmp_path: Path) -> None:
    """Its own history: the shared one must not see a changed guideline."""
    changed = build_history(tmp_path / "data")
    try:
        new = b"# Tidewell voice\n\n## Tone\n\nWarm and direct."
        changed.services.knowledge_base.add([SourceFile("voice.md", len(new), lambda: new)], "admin")
    finally:
        changed.services.close()
    found = cli.run_json(changed.env, "audit", "recheck")
    assert found["checked"] == 2
    assert {(row["request_id"], row["kind"]) for row in found["findings"]} == {
        (changed.approved, "passage_changed"),
        (changed.edited, "passage_changed"),
    }
    assert all("Calm and plain." in r["old_text"] and "Warm and direct." in r["new_text"] for r in found["findings"])

    shown = cli.run(changed.env, "audit", "recheck", "--days", "1").stdout
    assert "2 approved text(s) re-checked; 2 no longer hold." in shown
    assert "Warm and direct." in shown and "(was: " in shown and changed.edited in shown

    [run] = cli.run_json(changed.env, "audit", "rechecks")[1:]
    assert (run["cause"], run["state"], run["checked"], run["total"], run["findings"]) == ("cli", "done", 2, 2, 2)
    listed = cli.run(changed.env, "audit", "rechecks").stdout
    assert "2 of 2" in listed and "Revising" in listed


def test_an_anchor_read_back_from_a_copy_catches_a_rewritten_entry(history: History, tmp_path: Path) -> None:
    anchored = cli.run({**history.env, "BRANDBOT_APPROVAL_CHANNEL": ""}, "audit", "anchor")
    head = cli.run_json(history.env, "audit", "log")[-1]
    assert anchored.stdout.splitlines() == [
        f"Anchored: entry {head['id']} sha256 {head['hash']}.",
        "Not posted: BRANDBOT_APPROVAL_CHANNEL is not set. Keep the line above outside the database.",
    ]
    copy = tmp_path / "anchors.txt"
    copy.write_text(anchored.stdout, encoding="utf-8")
    held = cli.run(history.env, "audit", "verify", "--anchors", str(copy))
    assert "; 1 anchors held." in held.stdout, "the recorded anchor and its copy are one"

    forged = "f" * 64
    copy.write_text(
        f"Audit anchor: entry {head['id']} sha256 `{forged}` (2026-12-01 09:00:00 UTC).\n", encoding="utf-8"
    )
    caught = cli.run(history.env, "audit", "verify", "--anchors", str(copy), check=False)
    assert caught.returncode == 1
    assert caught.stdout.splitlines() == [
        f"audit entry {head['id']} rewritten (its hash differs from the anchor of audit entry {head['id']})"
    ]
    report = json.loads(
        cli.run(history.env, "audit", "verify", "--anchors", str(copy), "--output", "json", check=False).stdout
    )
    assert report["intact"] is False and report["anchors"] == 2


def test_an_anchors_file_that_holds_none_is_one_clear_line(history: History, tmp_path: Path) -> None:
    missing = cli.run(history.env, "audit", "verify", "--anchors", str(tmp_path / "none.txt"), check=False)
    assert missing.returncode == 1 and missing.stderr.startswith(
        f"error: cannot read --anchors {tmp_path / 'none.txt'}"
    )
    chatter = tmp_path / "chatter.txt"
    chatter.write_text("brandbot  APP  9:00 AM\nnothing else\n", encoding="utf-8")
    empty = cli.run(history.env, "audit", "verify", "--anchors", str(chatter), check=False)
    assert empty.returncode == 1 and empty.stdout == ""
    assert empty.stderr.strip() == (
        f"error: {chatter} holds no anchor: copy the 'Audit anchor' messages of the approval channel into it"
    )
