"""Deciding and resuming in the test's own process, as `brandbot review` does."""

from __future__ import annotations

from dataclasses import dataclass

from brandbot.workflow.approvals import DecisionResult, decide_and_resume
from brandbot.workflow.engine import Engine, RunOutcome


@dataclass(frozen=True)
class Decided:
    result: DecisionResult
    run: RunOutcome


def decide(
    engine: Engine, draft_id: str, actor: str, action: str, text: str | None = None, *, confirm_errors: bool = False
) -> Decided:
    return Decided(*decide_and_resume(engine, draft_id, actor, action, text, confirm_errors=confirm_errors))
