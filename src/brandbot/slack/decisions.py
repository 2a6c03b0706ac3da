"""Decisions from Slack: claimed while Slack waits for the ack, so a click is never lost; the
resume and the news follow from the rows the claim wrote."""

from __future__ import annotations

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.workflow import approvals


def decide(deps: SlackDeps, user: str, draft_id: str, action: str, text: str | None) -> str | None:
    """None when the decision is made; otherwise what to tell the person, privately.
    Approving over rule errors was already confirmed in Slack's dialog on the Approve button."""
    try:
        approvals.decide(
            deps.services.engine,
            draft_id,
            user,
            action,
            text,
            is_approver=deps.directory.is_approver,
            confirm_errors=True,
            addressed=True,
        )
    except approvals.DecisionRefused as refusal:
        return f":no_entry: {mrkdwn_escape(str(refusal))}"
    deps.nudge()
    return None


def refusal_before_modal(deps: SlackDeps, user: str, draft_id: str) -> str | None:
    """Asked before a modal opens, so nobody types feedback that can't be used."""
    engine = deps.services.engine
    draft = deps.services.requests.get_draft(draft_id)
    refused = approvals.refusal(engine, draft, draft_id, user, deps.directory.is_approver, addressed=True)
    return f":no_entry: {mrkdwn_escape(refused)}" if refused else None
