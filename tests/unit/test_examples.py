"""Approved texts as examples for the drafter: a history built by the tests through the real
workflow (ask, approve or edit), the real embedding model choosing the closest, and what the
drafter and the card are given. A scripted LLM stands in for drafting only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.evaluation.drafts import load_approved, shared_run
from brandbot.evaluation.golden import EvalFileError
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks.approval import approval_card
from brandbot.store.audit import entries
from brandbot.store.views import draft_view
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain. Say affordable, never cheap."
WEBINAR = "Join our restore-testing webinar on 12 March: bring one question, leave with a tested restore plan."
HOLIDAYS = "Support hours over the holidays: we answer every ticket within four hours, 24 December to 2 January."


@pytest.fixture
def fake() -> FakeLLM:
    return FakeLLM(drafts=["A draft."])


@pytest.fixture
def services(settings: Settings, fake: FakeLLM) -> Iterator[Services]:
    built = Services(settings, llm=fake.client(settings))
    built.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()


def approve(services: Services, fake: FakeLLM, fmt: str, request: str, final_text: str) -> str:
    fake.brief["format"] = fmt
    run = services.engine.ask("alice", request)
    assert run.draft is not None
    decide(services.engine, run.draft.id, "bob", "edit", final_text)
    return run.request.id


def examples_in_last_prompt(fake: FakeLLM) -> str:
    system = fake.draft_calls[-1]["messages"][0]["content"]  # type: ignore[index]
    return system.partition("approvers accepted before")[2]


def test_the_closest_approved_text_of_the_same_format_is_the_drafters_example(
    services: Services, fake: FakeLLM
) -> None:
    webinar = approve(services, fake, "x_post", "An X post inviting people to our restore-testing webinar", WEBINAR)
    holidays = approve(services, fake, "x_post", "X post about support hours over the holidays", HOLIDAYS)
    approve(services, fake, "email", "A customer email about our webinar on restore testing", "An email text.")

    fake.brief["format"] = "x_post"
    run = services.engine.ask("carol", "A tweet inviting IT leads to next month's webinar on testing restores")
    shown = examples_in_last_prompt(fake)
    assert shown.index(WEBINAR) < shown.index(HOLIDAYS), "the closer request's text comes first"
    assert "An email text." not in shown, "only texts of the draft's own format"
    assert f"<example>\n{WEBINAR}\n</example>" in shown
    assert run.draft is not None
    [note] = [check for check in run.draft.checks if check["name"] == "approved_examples"]
    assert note["passed"] and note["level"] == "info"
    assert note["message"].index(webinar) < note["message"].index(holidays)
    card = str(approval_card(draft_view(services.requests, run.request, run.draft)))
    assert webinar in card, "the approver sees which approved texts shaped the voice"


def test_no_history_or_examples_turned_off_drafts_without_examples(
    settings: Settings, services: Services, fake: FakeLLM
) -> None:
    services.engine.ask("alice", "A tweet about Tidewell Backup")
    assert "<example>" not in fake.draft_calls[-1]["messages"][0]["content"]  # type: ignore[index]

    approve(services, fake, "x_post", "An X post inviting people to our restore-testing webinar", WEBINAR)
    services.close()
    off = Services(settings.model_copy(update={"draft_examples": 0}), llm=fake.client(settings))
    try:
        run = off.engine.ask("carol", "A tweet about the webinar")
        assert "<example>" not in fake.draft_calls[-1]["messages"][0]["content"]  # type: ignore[index]
        assert run.draft is not None and "approved_examples" not in {c["name"] for c in run.draft.checks}
    finally:
        off.close()


def test_imported_approved_texts_are_examples_and_audited(services: Services, fake: FakeLLM) -> None:
    imported = services.requests.import_approved(
        "admin", "An X post about holiday support hours", {"format": "x_post"}, HOLIDAYS
    )
    assert [row.request_id for row in services.requests.approved_texts("x_post", 10)] == [imported.id]
    assert services.requests.approved_texts("email", 10) == []
    [entry] = [e for e in entries(services.db) if e.action == "request.imported_approved"]
    assert (entry.actor, entry.request_id) == ("admin", imported.id)
    fake.brief["format"] = "x_post"
    services.engine.ask("carol", "A tweet about support over the holidays")
    assert HOLIDAYS in examples_in_last_prompt(fake)


def test_shared_run_counts_words_in_a_row_ignoring_case_and_punctuation() -> None:
    assert shared_run("Back up daily. Restore in one click!", "restore in ONE click, any day") == 4
    assert shared_run("nothing alike here", "completely different words") == 0
    assert shared_run("", "anything") == 0


def test_an_approved_text_of_an_unknown_format_is_refused_naming_the_place(tmp_path: Path) -> None:
    path = tmp_path / "approved.yml"
    path.write_text("approved:\n  - format: tiktok\n    request: A video\n    text: Hi.\n")
    with pytest.raises(EvalFileError, match=r"approved.yml: approved.0.format: .*unknown format 'tiktok'"):
        load_approved(path)
