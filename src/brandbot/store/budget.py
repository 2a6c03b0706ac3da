"""Each person's hourly budgets for what costs an LLM call, so that one person cannot fill the
LLM slots that everyone's drafts share.

A budget is a counter row per person, kind and clock hour (UTC), taken by one conditional
upsert that counts up only while the count is under the limit. The database decides, so replicas
and workers racing each other never pass the limit together; the take runs in the transaction of
the row it pays for (a request, an intake row, a decision), so a refused one writes nothing.

What is paid from which budget:
- drafts (`max_drafts_per_hour`): every drafting run a person starts: a new request (however it
  came: a message, "Draft it instead", "Rewrite on-brand", Request revision, the CLI), a revision
  from their follow-up in its thread, and a retry (paid by whoever retries). An approver's
  "Request changes" is not: approvers decide, and `max_change_rounds` bounds it.
- questions (`max_questions_per_hour`): every message to brandbot (a mention, a DM, `/brandbot
  TEXT`), taken as it is received, because reading what it asks may take the LLM, and most are
  questions the LLM answers; `/brandbot ask` and `brandbot answer`. A message that asks for a
  draft is paid from both. "Just answer" is not: its text was paid for as it came in.
- Text checks are not paid for: the brand rules and the guideline search check a text, no LLM.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from brandbot.config import Settings
from brandbot.store.models import LLMBudget, table_of, utcnow

WINDOW = timedelta(hours=1)


class Kind(enum.StrEnum):
    draft = "draft"
    question = "question"


class OverBudget(Exception):
    """The person has used this hour's budget; the message says which and when they can ask again."""

    def __init__(self, kind: Kind, limit: int, wait: timedelta) -> None:
        self.kind, self.limit, self.wait = kind, limit, wait
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        if kind == Kind.draft:
            used = f"You have asked for {_count(limit, 'draft')} in the last hour, the most one person can"
            counted = " (new requests, revisions from your replies and retries all count)"
        else:
            used, counted = f"You have sent me {_count(limit, 'message')} in the last hour, the most one person can", ""
        super().__init__(f"{used}{counted}. You can ask again in {_count(minutes, 'minute')}.")


@dataclass(frozen=True)
class Charge:
    """Who pays for a unit of work, from which budget, of how many an hour (0: no limit)."""

    person: str
    kind: Kind
    per_hour: int

    @classmethod
    def of(cls, settings: Settings, person: str, kind: Kind) -> Charge:
        per_hour = settings.max_drafts_per_hour if kind == Kind.draft else settings.max_questions_per_hour
        return cls(person, kind, per_hour)

    def take(self, session: Session, now: datetime | None = None) -> None:
        """One unit of this hour's budget, in `session`'s transaction; `OverBudget` if it is used
        up (the caller's transaction then rolls back with everything it wrote)."""
        if not self.per_hour:
            return
        now = now or utcnow()
        window = now.replace(minute=0, second=0, microsecond=0)
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        counter = table_of(LLMBudget)
        taken = (
            session.connection()
            .execute(
                insert(counter)
                .values(person=self.person, kind=self.kind.value, window_start=window, used=1)
                .on_conflict_do_update(
                    index_elements=["person", "kind", "window_start"],
                    set_={"used": counter.c.used + 1},
                    where=counter.c.used < self.per_hour,
                )
                .returning(counter.c.used)
            )
            .first()
        )
        if taken is None:
            raise OverBudget(self.kind, self.per_hour, window + WINDOW - now)


def prune(session: Session, now: datetime) -> None:
    """The hours that are over: only the current one is ever counted."""
    session.execute(delete(LLMBudget).where(LLMBudget.window_start <= now - WINDOW))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
