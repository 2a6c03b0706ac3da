"""Brand rules inside the workflow: fixed before review, sent back to the LLM, shown when they survive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.store.audit import entries
from brandbot.store.db import Database
from brandbot.workflow.approvals import ConfirmationNeeded, decide
from tests.conftest import REPO
from tests.support.fake_llm import FakeLLM

DISCLAIMER = "Free trial: 30 days, no credit card required. Terms apply: tidewell.example/terms."
PROMO = {"format": "linkedin_post", "audience": "customers", "length": "short", "topic": "trial", "promotional": True}
REQUEST = "A LinkedIn post inviting customers to the free trial"
GUIDE = b"# Legal\n\n## Trial\n\nEvery promotional post carries the free-trial disclaimer."


def build(settings: Settings, drafts: list[str]) -> tuple[Services, FakeLLM]:
    fake = FakeLLM(brief=PROMO, drafts=drafts)
    services = Services(settings, llm=fake.client(settings))
    library.add(settings, services.db, REPO / "guidelines" / "rules", actor="admin")
    services.knowledge_base.add([SourceFile("legal.md", len(GUIDE), lambda: GUIDE)], "admin")
    return services, fake


@pytest.fixture
def cleanup() -> Iterator[list[Services]]:
    made: list[Services] = []
    yield made
    for services in made:
        services.close()


def test_substitution_hits_are_fixed_before_anyone_sees_the_draft(settings: Settings, cleanup: list[Services]) -> None:
    services, fake = build(settings, [f"Our cheap plans now include Tidewell Restore.\n\n{DISCLAIMER}"])
    cleanup.append(services)
    run = services.engine.ask("alice", REQUEST)
    assert run.draft is not None
    assert run.draft.text.startswith("Our affordable plans now include Tidewell Restore.")
    assert run.draft.fixes == [{"check": "Tidewell.WordsToAvoid", "from": "cheap", "to": "affordable"}]
    assert not any(alert["check"] == "Tidewell.WordsToAvoid" for alert in run.draft.alerts)
    assert run.draft.auto_revisions == 0 and len(fake.draft_calls) == 1


def test_missing_disclaimer_goes_back_to_the_llm(settings: Settings, cleanup: list[Services]) -> None:
    services, fake = build(
        settings,
        ["Tidewell Restore is here. Start your 30-day free trial.", f"Tidewell Restore is here.\n\n{DISCLAIMER}"],
    )
    cleanup.append(services)
    run = services.engine.ask("alice", REQUEST)
    assert run.draft is not None and run.draft.auto_revisions == 1
    assert DISCLAIMER in run.draft.text and run.draft.alerts == []
    second_prompt = fake.draft_calls[1]["messages"][1]["content"]  # type: ignore[index]
    assert "Promotional posts must end with the free-trial disclaimer" in second_prompt
    assert "Tidewell Restore is here. Start your 30-day free trial." in second_prompt


def test_a_hit_that_survives_is_on_the_approval_payload(settings: Settings, cleanup: list[Services]) -> None:
    services, fake = build(settings, ["Tidewell Restore is here. Try it for 30 days."])
    cleanup.append(services)
    run = services.engine.ask("alice", REQUEST)
    assert run.draft is not None and run.draft.auto_revisions == settings.max_auto_revisions == 2
    assert len(fake.draft_calls) == 3
    payload = services.engine.pending_review(run.request.id)
    assert payload is not None
    [alert] = payload["alerts"]
    assert (alert["check"], alert["level"]) == ("Tidewell.TrialDisclaimer", "error")
    assert alert["link"] == "guidelines/legal-disclaimers.pdf" and "message" in alert


def test_approving_over_an_error_needs_confirmation_and_is_recorded(
    settings: Settings, cleanup: list[Services]
) -> None:
    services, _ = build(settings, ["Tidewell Restore is here. Try it for 30 days."])
    cleanup.append(services)
    run = services.engine.ask("alice", REQUEST)
    assert run.draft is not None
    with pytest.raises(ConfirmationNeeded, match="1 error-level brand rule"):
        decide(services.engine, run.draft.id, "bob", "approve")
    assert services.requests.get_draft(run.draft.id).status == "pending"  # type: ignore[union-attr]
    decide(services.engine, run.draft.id, "bob", "approve", confirm_errors=True)
    last = entries(services.db, request_id=run.request.id)[-1]
    assert last.action == "draft.approved" and last.detail["approved_over_errors"] == ["Tidewell.TrialDisclaimer"]


def test_rules_installed_later_apply_to_the_next_draft(
    settings: Settings, cleanup: list[Services], tmp_path: Path
) -> None:
    fake = FakeLLM(brief=PROMO, drafts=["Our cheap plans."])
    services = Services(settings, llm=fake.client(settings))
    cleanup.append(services)
    assert services.engine.ask("alice", REQUEST).draft.text == "Our cheap plans."  # type: ignore[union-attr]
    styles = tmp_path / "styles"
    rule = styles / "Brand" / "Cheap.yml"
    rule.parent.mkdir(parents=True)
    rule.write_text(
        "extends: substitution\nmessage: Use '%s' instead of '%s'.\nlevel: error\nswap:\n  cheap: affordable\n"
    )
    (styles / "config.yml").write_text("styles: [Brand]\n")
    library.add(settings, services.db, styles, actor="admin")
    assert services.engine.ask("alice", REQUEST).draft.text == "Our affordable plans."  # type: ignore[union-attr]


def test_adding_a_folder_that_holds_the_data_directory_is_refused(tmp_path: Path) -> None:
    from brandbot.rules import RuleLoadError
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "data")
    settings.ensure_dirs()
    db = Database(settings.resolved_database_url)
    db.create_schema()
    with pytest.raises(RuleLoadError, match="holds brandbot's own data directory"):
        library.add(settings, db, tmp_path, actor="admin")
    db.dispose()
