"""A small recorded history for the report, made through the real workflow (scripted LLM, real
brand rules, real decisions), then dated so that every figure can be worked out by hand.

In the last 30 days, from `start` (10 days ago):

- FIRST, an X post: the model's text promised ("guaranteed": an error), one automatic
  revision removed it; approved 1 h after its draft.
- HOSTILE, a LinkedIn post asked for in markup: revision 1 ("awesome": a warning, no fix)
  sent back with changes after 2 h; revision 2 ("guaranteed": an error the automatic
  revisions could not remove) approved with an edit 4 h after it was drafted.
- REJECTED, an X post: "cheap" fixed twice to "affordable", "awesome" left; rejected 30 min
  after its draft.

And OLD, 40 days ago: outside the period, never decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from brandbot.rulebook import library
from brandbot.services import Services
from brandbot.store.models import Decision, Draft, Request, utcnow
from tests.support.deciding import decide
from tests.support.fake_llm import FakeLLM

HOSTILE_REQUEST = '<script>alert("pwned")</script> A LinkedIn post & <b>more</b>'
STYLE = {
    "Cheap.yml": "extends: substitution\nmessage: Use '%s', not '%s'.\nlevel: error\nswap:\n  cheap: affordable\n",
    "Awesome.yml": "extends: existence\nmessage: Avoid '%s'.\nlevel: warning\ntokens: [awesome]\n",
    "Guaranteed.yml": "extends: existence\nmessage: Never promise '%s'.\nlevel: error\ntokens: [guaranteed]\n",
}


def brief(fmt: str) -> dict[str, object]:
    return {"format": fmt, "audience": "customers", "length": "short", "topic": "backup", "promotional": False}


@dataclass(frozen=True)
class History:
    start: datetime
    first: str
    hostile: str
    rejected: str
    old: str


def record(services: Services, fake: FakeLLM, styles: Path, approver: str = "bob") -> History:
    """`fake` is the LLM `services` drafts with; the brand style is written under `styles`."""
    for name, rule in STYLE.items():
        (styles / "Brand" / name).parent.mkdir(parents=True, exist_ok=True)
        (styles / "Brand" / name).write_text(rule, encoding="utf-8")
    (styles / "config.yml").write_text("styles: [Brand]\n", encoding="utf-8")
    library.add(services.settings, services.db, styles, actor="admin")
    engine = services.engine

    fake.brief, fake.drafts = brief("x_post"), ["Tidewell Backup is guaranteed.", "Tidewell Backup is quick."]
    first = engine.ask("alice", "An X post about our backups")
    assert first.draft is not None and first.draft.auto_revisions == 1 and not first.draft.alerts
    decide(engine, first.draft.id, approver, "approve")

    fake.brief = brief("linkedin_post")
    fake.drafts = ["Tidewell Restore is awesome.", "Tidewell Restore is guaranteed.", "Tidewell Restore is guaranteed."]
    hostile = engine.ask("alice", HOSTILE_REQUEST)
    assert hostile.draft is not None
    revised = decide(engine, hostile.draft.id, approver, "changes", "Shorter, please.").run.draft
    assert revised is not None and revised.revision == 2 and revised.auto_revisions > 0
    decide(engine, revised.id, approver, "edit", "Tidewell Restore brings your files back.", confirm_errors=True)

    fake.brief, fake.drafts = brief("x_post"), ["Tidewell Sync is awesome and cheap, so cheap."]
    rejected = engine.ask("alice", "An X post about sync")
    assert rejected.draft is not None
    decide(engine, rejected.draft.id, approver, "reject", "Not now.")

    fake.drafts = ["Old news."]
    old = engine.ask("alice", "An X post from long ago")

    now = utcnow()
    start = now - timedelta(days=10)
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    with services.db.session() as session:

        def dated(request_id: str, created: datetime, *revisions: tuple[datetime, timedelta]) -> None:
            session.execute(update(Request).where(Request.id == request_id).values(created_at=created))
            for number, (drafted, waited) in enumerate(revisions, start=1):
                draft = session.query(Draft).filter_by(request_id=request_id, revision=number).one()
                draft.created_at = drafted
                decided = update(Decision).where(Decision.draft_id == draft.id)
                session.execute(decided.values(decided_at=drafted + waited))

        dated(first.request.id, start, (start + minute, hour))
        second = start + hour
        changes_at = second + minute + 2 * hour
        dated(hostile.request.id, second, (second + minute, 2 * hour), (changes_at + 5 * minute, 4 * hour))
        dated(rejected.request.id, start + 2 * hour, (start + 2 * hour + minute, 30 * minute))
        dated(old.request.id, now - timedelta(days=40), (now - timedelta(days=40), hour))
    return History(start, first.request.id, hostile.request.id, rejected.request.id, old.request.id)
