"""A small review history for learning rules from, made through the real workflow (scripted LLM,
a brand style without a word about "cheap", real decisions), small enough to work out by hand:

- CHEAP_EDITS: three drafts with "cheap" that reviewers edited to "affordable" (the first
  reviewer, the second, the first; the second edit at the start of a sentence, "Cheap" ->
  "Affordable").
- UNRELATED: one edit replacing "files" with "documents".
- KEPT: a draft with "cheap" approved as it was.
- ASKED: a draft with "cheap" sent back with "Use 'affordable' instead of 'cheap'."; its
  revision 2 ("affordable") approved.

So "cheap" -> "affordable" is shown by 4 decisions (3 edits, 1 change request) of 2 reviewers
and nothing else by more than one. Approved texts: 6, one with "cheap" (KEPT). Drafts: 7, five
with "cheap" (the three edited, KEPT, ASKED's first revision).

`sent_back` makes one more request whose drafts go back in turn, each by an approver's change
request or by the requester's own follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.store.requests import resume_key
from brandbot.workflow.approvals import follow_up
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

STYLE = "extends: existence\nmessage: Avoid '%s'.\nlevel: warning\ntokens: [revolutionary]\n"
CHEAP_EDITS = (  # (which reviewer, drafted, approved)
    (0, "Tidewell Backup is cheap and quick.", "Tidewell Backup is affordable and quick."),
    (1, "Cheap plans for every team.", "Affordable plans for every team."),
    (0, "Tidewell Restore is cheap, fast and calm.", "Tidewell Restore is affordable, fast and calm."),
)
UNRELATED = (1, "Tidewell Sync keeps files in step.", "Tidewell Sync keeps documents in step.")
KEPT = "Tidewell Vault is cheap to run."
ASKED = ("Backups, cheap as chips.", "Use 'affordable' instead of 'cheap'.", "Backups, affordable as ever.")
REQUESTER = "alice"
BRIEF = {"format": "x_post", "audience": "customers", "length": "short", "topic": "backup", "promotional": False}


@dataclass(frozen=True)
class ReviewerHistory:
    edited_drafts: tuple[str, ...]
    """The draft ids of CHEAP_EDITS, in order."""
    kept_request: str
    asked_draft: str
    """The draft ASKED's change request was made on."""


def install_style(services: Services, styles: Path) -> None:
    """The brand's style: Tidewell, one rule (about "revolutionary")."""
    (styles / "Tidewell").mkdir(parents=True, exist_ok=True)
    (styles / "Tidewell" / "Hype.yml").write_text(STYLE, encoding="utf-8")
    (styles / "config.yml").write_text("styles: [Tidewell]\n", encoding="utf-8")
    library.add(services.settings, services.db, styles, actor="admin")


def record(
    services: Services, fake: FakeLLM, styles: Path, reviewers: tuple[str, str] = ("bob", "carol")
) -> ReviewerHistory:
    """`fake` is the LLM `services` drafts with; the brand style is written under `styles`;
    `reviewers` are two approvers."""
    install_style(services, styles)
    fake.brief = dict(BRIEF)
    edited = tuple(edit(services, fake, reviewers[who], drafted, approved) for who, drafted, approved in CHEAP_EDITS)
    who, drafted, approved = UNRELATED
    edit(services, fake, reviewers[who], drafted, approved)

    fake.drafts = [KEPT]
    kept = services.engine.ask("alice", "An X post about Vault")
    assert kept.draft is not None and kept.draft.text == KEPT
    decide(services.engine, kept.draft.id, reviewers[0], "approve")

    drafted, note, revised = ASKED
    fake.drafts = [drafted, revised]
    asked = services.engine.ask("alice", "An X post about backups")
    assert asked.draft is not None and asked.draft.text == drafted
    second = decide(services.engine, asked.draft.id, reviewers[1], "changes", note).run.draft
    assert second is not None and second.text == revised
    decide(services.engine, second.id, reviewers[0], "approve")
    return ReviewerHistory(edited, kept.request.id, asked.draft.id)


def edit(services: Services, fake: FakeLLM, reviewer: str, drafted: str, approved: str) -> str:
    """A request whose draft is `drafted`, approved by `reviewer` edited to `approved`; its draft id."""
    fake.drafts = [drafted]
    run = services.engine.ask("alice", "An X post")
    assert run.draft is not None and run.draft.text == drafted, "no rule changed the draft"
    decide(services.engine, run.draft.id, reviewer, "edit", approved)
    return run.draft.id


def sent_back(services: Services, fake: FakeLLM, rounds: list[tuple[str, str]]) -> str:
    """A request by REQUESTER whose drafts are sent back once per (who, note) in `rounds`: by an
    approver's change request, or, where `who` is REQUESTER, by their own follow-up. Its id."""
    fake.brief, fake.drafts = dict(BRIEF), [ASKED[0]]
    run = services.engine.ask(REQUESTER, "An X post about backups")
    for who, note in rounds:
        assert run.draft is not None
        draft = run.draft
        if who == REQUESTER:
            assert follow_up(services.engine, draft.id, who, note) is not None
            run = services.engine.run_now(resume_key(draft.id), draft.request_id)
        else:
            run = decide(services.engine, draft.id, who, "changes", note).run
        assert run.draft is not None and run.draft.revision == draft.revision + 1
    return run.request.id
