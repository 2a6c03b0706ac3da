"""Button clicks: the four decisions on an approval card, retrying a failed request, removing a
guideline, releasing or discarding a held guideline passage, an approved text's receipt, adopting
or dismissing a rule proposal, asking for the revision of an approved text a re-check flagged,
rewriting a checked text on-brand, correcting what brandbot made of a message ("Draft it instead",
"Just answer"), rating an answer to a guideline question or forwarding a question the guidelines
don't cover."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.blocks import answers, approval, intake, messages, proposals, rechecks, text_checks
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.actions.answer_buttons import forward_question, give_feedback
from brandbot.slack.listeners.actions.decision_buttons import approve_clicked, open_decision_modal
from brandbot.slack.listeners.actions.guideline_remove import remove_guideline
from brandbot.slack.listeners.actions.held_passages import decide_held
from brandbot.slack.listeners.actions.intake_buttons import draft_instead_clicked, just_answer_clicked
from brandbot.slack.listeners.actions.proposal_buttons import decide_proposal
from brandbot.slack.listeners.actions.receipt_button import open_receipt
from brandbot.slack.listeners.actions.recheck_revision import request_revision
from brandbot.slack.listeners.actions.retry_button import retry_clicked
from brandbot.slack.listeners.actions.rewrite_button import rewrite_clicked
from brandbot.slack.listeners.common import ack_now


def register(app: App, deps: SlackDeps) -> None:
    app.action(approval.APPROVE)(approve_clicked(deps))
    for action_id in (approval.CHANGES, approval.EDIT, approval.REJECT):
        app.action(action_id)(open_decision_modal(deps))
    app.action(messages.RETRY)(retry_clicked(deps))
    app.action(messages.REMOVE_GUIDELINE)(ack=ack_now, lazy=[remove_guideline(deps)])
    for action_id in (messages.RELEASE_HELD, messages.DISCARD_HELD):
        app.action(action_id)(ack=ack_now, lazy=[decide_held(deps)])
    app.action(approval.RECEIPT)(open_receipt(deps))
    for action_id in (proposals.ADOPT, proposals.DISMISS):
        app.action(action_id)(ack=ack_now, lazy=[decide_proposal(deps)])
    app.action(rechecks.REQUEST_REVISION)(ack=ack_now, lazy=[request_revision(deps)])
    app.action(text_checks.REWRITE)(rewrite_clicked(deps))
    app.action(intake.DRAFT_INSTEAD)(draft_instead_clicked(deps))
    app.action(intake.JUST_ANSWER)(just_answer_clicked(deps))
    for action_id in (answers.HELPFUL, answers.NOT_RIGHT):
        app.action(action_id)(ack=ack_now, lazy=[give_feedback(deps)])
    app.action(answers.FORWARD)(ack=ack_now, lazy=[forward_question(deps)])
