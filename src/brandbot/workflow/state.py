"""What the workflow carries from step to step; everything in it is JSON, so checkpoints are portable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.llm import LLMClient
from brandbot.rules import RuleSet
from brandbot.store.requests import RequestStore
from brandbot.workflow.examples import ApprovedExamples
from brandbot.workflow.safety import ContentGuard, RuleGuard


class DraftState(TypedDict, total=False):
    request_id: str
    requester: str
    request: str
    brief: dict[str, str]
    passages: list[dict[str, Any]]
    examples: list[dict[str, Any]]
    """Approved texts of the same format shown to the drafter (`workflow/examples.py`)."""
    revision: int
    draft: str
    model: str
    sampling: dict[str, Any]
    """The sampling parameters the draft was written with."""
    prompt_sha256: str
    """The hash of the exact prompt the draft was written from (`store/canonical.py`)."""
    rules_version: int | None
    """The brand rules version the last check ran with."""
    checks: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    """Brand-rule hits still in the draft after automatic fixes and revisions."""
    fixes: list[dict[str, Any]]
    auto_revisions: int
    rule_feedback: list[str]
    """Broken rules the next draft must fix; consumed by `draft`."""
    changes_requested: list[str]
    """The approver's feedback the next draft must address; consumed by `draft`."""
    feedback: list[str]
    refusal: dict[str, Any]
    """The content guard's verdict that stopped the request, and at which stage."""
    screened_by: str
    """The guard that passed the request, recorded with the draft's checks."""
    draft_id: str
    outcome: str
    final_text: str


@dataclass(frozen=True)
class WorkflowContext:
    """Run-time dependencies handed to every node; never checkpointed."""

    settings: Settings
    knowledge_base: KnowledgeBase
    llm: LLMClient
    requests: RequestStore
    rules: Callable[[], RuleSet]
    """The active brand rules, read when a check runs, so a `rules add` applies to the next draft."""
    guard: Callable[[], None] = lambda: None
    """Called before each step; raises when this run's work row was taken over by another replica."""
    content_guard: ContentGuard = field(default_factory=RuleGuard)
    """Screens each request, and each draft before its card: see `workflow/safety.py`."""
    examples: ApprovedExamples | None = None
    """Finds the approved texts the drafter gets as examples; None drafts without them."""
