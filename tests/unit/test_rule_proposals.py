"""Rules learned from reviewers, on a history made through the real workflow
(tests/support/reviewer_history.py): exactly the change reviewers kept making is proposed, with
its back-test worked out by hand; it takes enough distinct reviewers, and a requester's own
follow-ups are no reviewer's; adopting it publishes a rules version with a Vale rule file that
the next draft is fixed by; a dismissal is for good; what the rules already flag is never
proposed; the CLI lists, adopts and dismisses."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from brandbot.cli.rules import app as rules_cli
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.rulebook import library
from brandbot.rulebook import proposals as learned
from brandbot.rulebook.backtest import Example
from brandbot.rulebook.learning import Change, Kind, Via
from brandbot.services import Services
from brandbot.slack.blocks.proposals import proposal_list
from brandbot.store import review_history, rule_versions
from brandbot.store.audit import entries
from brandbot.store.proposals import ProposalState
from tests.conftest import make_settings
from tests.support.fake_llm import FakeLLM
from tests.support.reviewer_history import KEPT, REQUESTER, ReviewerHistory, edit, install_style, record, sent_back
from tests.support.slack_markup import parsed_texts

GUIDE = b"# Tidewell voice\n\n## Tone\n\nCalm and plain."
CHEAP = Change(Kind.substitution, "cheap", "affordable")
ASK = "Use 'affordable' instead of 'cheap'."
LEARNED = "Tidewell.LearnedCheapToAffordable"


@dataclass(frozen=True)
class Recorded:
    services: Services
    fake: FakeLLM
    history: ReviewerHistory


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Services, FakeLLM]]:
    """No history yet; proposals take the history's two reviewers."""
    settings = make_settings(
        tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1", draft_examples=0, rule_proposal_min_evidence=2
    )
    fake = FakeLLM()
    services = Services(settings, llm=fake.client(settings))
    services.knowledge_base.add([SourceFile("voice.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield services, fake
    services.close()


@pytest.fixture
def recorded(fresh: tuple[Services, FakeLLM], tmp_path: Path) -> Recorded:
    services, fake = fresh
    return Recorded(services, fake, record(services, fake, tmp_path / "styles"))


def refresh(services: Services) -> list[learned.Proposal]:
    return learned.refresh(services.settings, services.db, services.rules())


def test_the_change_reviewers_kept_making_is_proposed_with_its_back_test(recorded: Recorded) -> None:
    services, made = recorded.services, recorded.history
    [proposal] = refresh(services)
    assert proposal.change == CHEAP and proposal.state is ProposalState.proposed
    assert (proposal.edits, proposal.change_requests) == (3, 1)
    assert [item.draft_id for item in proposal.evidence if item.via is Via.edit] == list(made.edited_drafts)
    assert [item.draft_id for item in proposal.evidence if item.via is Via.change_request] == [made.asked_draft]
    assert [item.actor for item in proposal.evidence] == ["bob", "carol", "bob", "carol"]
    tested = proposal.backtest
    assert (tested.approved_fired, tested.approved_checked) == (1, 6), "KEPT went out with 'cheap'"
    assert (tested.drafts_fired, tested.drafts_checked) == (5, 7), "the 3 edited, KEPT, ASKED's first revision"
    assert tested.examples == (
        Example(made.kept_request, True, KEPT),
        Example(made.edited_drafts[0], False, "Tidewell Backup is cheap and quick."),
        Example(made.edited_drafts[1], False, "Cheap plans for every team."),
    )
    assert refresh(services) == [proposal], "a refresh with nothing new changes nothing, its id included"


def test_fewer_reviewers_than_the_setting_propose_nothing(recorded: Recorded) -> None:
    """Four decisions, but by two people: the default of three reviewers is not met."""
    services = recorded.services
    stricter = services.settings.model_copy(update={"rule_proposal_min_evidence": 3})
    assert learned.refresh(stricter, services.db, services.rules()) == []
    assert [proposal.change for proposal in learned.refresh(services.settings, services.db, services.rules())] == [
        CHEAP
    ]


def test_a_requesters_own_follow_ups_are_no_reviewers_change(fresh: tuple[Services, FakeLLM], tmp_path: Path) -> None:
    """The requester asking three times in their own thread is one person's wish on one draft:
    no evidence at all, whatever the setting."""
    services, fake = fresh
    install_style(services, tmp_path / "styles")
    request_id = sent_back(services, fake, [(REQUESTER, ASK)] * 3)
    decided = [services.requests.decision_for(draft.id) for draft in services.requests.drafts_for(request_id)]
    assert [(d.actor, d.action) for d in decided if d is not None] == [(REQUESTER, "changes")] * 3
    lowest = services.settings.model_copy(update={"rule_proposal_min_evidence": 1})
    assert learned.refresh(lowest, services.db, services.rules()) == []
    assert review_history.change_requests(services.db) == []


def test_two_reviewers_changes_are_proposed_and_say_how_many_people(
    fresh: tuple[Services, FakeLLM], tmp_path: Path
) -> None:
    services, fake = fresh
    install_style(services, tmp_path / "styles")
    sent_back(services, fake, [("bob", ASK), (REQUESTER, ASK), ("bob", ASK)])
    assert refresh(services) == [], "one reviewer twice, and the requester: one reviewer"
    sent_back(services, fake, [("carol", ASK), (REQUESTER, ASK)])
    [proposal] = refresh(services)
    assert proposal.change == CHEAP
    assert (proposal.reviewers, proposal.change_requests, proposal.edits) == (2, 3, 0)
    assert [item.actor for item in proposal.evidence] == ["bob", "bob", "carol"]
    assert proposal.to_dict()["reviewers"] == 2
    shown = " ".join(parsed_texts(proposal_list([proposal])))
    assert "2 reviewers made this change in 3 change requests." in shown


def test_adopting_publishes_a_vale_rule_that_the_next_draft_is_fixed_by(recorded: Recorded) -> None:
    services, fake = recorded.services, recorded.fake
    [proposal] = refresh(services)
    before = rule_versions.current_id(services.db)
    assert services.rules().run("Our cheap plan.").alerts == []

    adopted = learned.adopt(services.settings, services.db, proposal.id, "ann")
    assert (adopted.state, adopted.rule_id, adopted.decided_by) == (ProposalState.adopted, LEARNED, "ann")
    version = rule_versions.current(services.db)
    assert version is not None and before is not None and version.id == before + 1
    with zipfile.ZipFile(io.BytesIO(version.archive)) as archive:
        names = set(archive.namelist())
        rule = yaml.safe_load(archive.read("Tidewell/LearnedCheapToAffordable.yml"))
    assert names == {"config.yml", "Tidewell/Hype.yml", "Tidewell/LearnedCheapToAffordable.yml"}
    assert (rule["extends"], rule["swap"], rule["ignorecase"]) == ("substitution", {"cheap": "affordable"}, True)

    [alert] = services.rules().run("Our cheap plan.").alerts
    assert (alert.check, alert.match, alert.replacements) == (LEARNED, "cheap", ("affordable",))
    fake.drafts = ["Cheap backups for every team."]
    run = services.engine.ask("alice", "An X post")
    assert run.draft is not None and run.draft.text == "Affordable backups for every team."
    assert run.draft.fixes == [{"check": LEARNED, "from": "Cheap", "to": "Affordable"}]
    assert run.draft.rules_version == version.id

    log = [(e.actor, e.action, e.detail) for e in entries(services.db, limit=1000) if e.action.startswith("rules.")]
    assert [(actor, action) for actor, action, _ in log[-2:]] == [
        ("ann", "rules.published"),
        ("ann", "rules.proposal_adopted"),
    ]
    assert log[-1][2] == {"proposal": proposal.id, "change": CHEAP.key, "rule_id": LEARNED, "rules_version": version.id}
    assert refresh(services) == [], "adopted, and covered now"
    with pytest.raises(LookupError, match="already adopted by ann"):
        learned.adopt(services.settings, services.db, proposal.id, "bea")


def test_two_admins_adopting_at_once_add_one_rule_version(recorded: Recorded) -> None:
    services = recorded.services
    [proposal] = refresh(services)
    before = rule_versions.current_id(services.db)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def adopt(admin: str) -> None:
        start.wait()
        try:
            outcomes.append(learned.adopt(services.settings, services.db, proposal.id, admin).rule_id or "")
        except LookupError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=adopt, args=(admin,)) for admin in ("ann", "bea")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == LEARNED and "was already adopted by" in sorted(outcomes)[1]
    assert before is not None and rule_versions.current_id(services.db) == before + 1


def test_a_dismissed_proposal_never_comes_back(recorded: Recorded) -> None:
    services, fake = recorded.services, recorded.fake
    [proposal] = refresh(services)
    before = rule_versions.current_id(services.db)
    dismissed = learned.dismiss(services.db, proposal.id, "ann")
    assert (dismissed.state, dismissed.decided_by) == (ProposalState.dismissed, "ann")
    assert refresh(services) == []
    edit(services, fake, "bob", "Cheap, calm backups.", "Affordable, calm backups.")
    assert refresh(services) == [], "more evidence does not bring it back"
    with pytest.raises(LookupError, match="already dismissed by ann"):
        learned.adopt(services.settings, services.db, proposal.id, "bea")
    assert rule_versions.current_id(services.db) == before
    decided = [(e.actor, e.action) for e in entries(services.db, limit=1000) if e.action.startswith("rules.proposal")]
    assert decided == [("ann", "rules.proposal_dismissed")]


def test_what_an_installed_rule_already_flags_is_not_proposed(recorded: Recorded, tmp_path: Path) -> None:
    services = recorded.services
    [proposal] = refresh(services)
    price = tmp_path / "Price.yml"
    price.write_text("extends: existence\nmessage: Avoid '%s'.\ntokens: [cheap]\n", encoding="utf-8")
    library.add(services.settings, services.db, price, "Tidewell", actor="admin")
    assert refresh(services) == []
    with pytest.raises(LookupError, match=f"no rule proposal {proposal.id}"):
        learned.adopt(services.settings, services.db, proposal.id, "ann")


def test_the_cli_lists_adopts_and_dismisses(recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    services = recorded.services
    monkeypatch.chdir(services.settings.data_dir)
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("BRANDBOT_RULE_PROPOSAL_MIN_EVIDENCE", "2")
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    listed = runner.invoke(rules_cli, ["proposals", "--output", "json"])
    assert listed.exit_code == 0, listed.output
    [shown] = json.loads(listed.output)
    assert (shown["kind"], shown["phrase"], shown["replacement"]) == ("substitution", "cheap", "affordable")
    assert (shown["reviewers"], shown["edits"], shown["change_requests"]) == (2, 3, 1)
    assert shown["backtest"]["approved"] == {"fired": 1, "checked": 6}
    assert shown["backtest"]["drafts"] == {"fired": 5, "checked": 7}
    assert shown["backtest"]["examples"][0] == {"ref": recorded.history.kept_request, "approved": True, "excerpt": KEPT}

    text = runner.invoke(rules_cli, ["proposals"]).output
    assert "substitution: cheap -> affordable" in text and "2 reviewers: 3 edits, 1 change request" in text
    assert f"approved {recorded.history.kept_request}: {KEPT}" in text

    adopted = runner.invoke(rules_cli, ["adopt", str(shown["id"]), "--as", "ann"])
    assert adopted.exit_code == 0 and f"Adopted proposal {shown['id']} as {LEARNED}." in adopted.output
    again = runner.invoke(rules_cli, ["dismiss", str(shown["id"]), "--as", "bea"])
    assert again.exit_code == 1 and "already adopted by ann" in again.output
    assert json.loads(runner.invoke(rules_cli, ["proposals", "-o", "json"]).output) == []
