"""The kinds of work rows, one enum for every layer that queues or runs them: a kind is never a
bare string, and a new kind is one member here and one pool that runs it."""

from __future__ import annotations

import enum


class WorkKind(enum.StrEnum):
    intake = "intake"
    """A message to read and route: {"user", "text", "reply_to", "entry"}."""
    answer = "answer"
    """A question about the guidelines, to answer in the thread: {"user", "question", "reply_to"}."""
    text_check = "text_check"
    """Text to check against the brand: {"user", "text", "reply_to"}."""
    ingest = "ingest"
    """Files an admin sent: {"user", "channel", "files"}."""
    recheck = "recheck"
    """Approved texts to check again after the rules or guidelines changed: {"cause", "scope"}."""
    draft = "draft"
    """A request's first run of its workflow."""
    resume = "resume"
    """A request's workflow resumed with a decision on its draft."""
    retry = "retry"
    """A failed request drafted again."""


REQUEST_WORK = (WorkKind.draft, WorkKind.resume, WorkKind.retry)
"""The kinds that run a request's workflow as far as it goes."""
DRAFTING = (WorkKind.draft, WorkKind.retry)
"""The kinds that start a request's drafting: they queue for the LLM's capacity."""
