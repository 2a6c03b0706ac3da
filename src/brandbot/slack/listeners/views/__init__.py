"""Modal submissions: feedback for changes, a reason for rejection, an edited draft."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.blocks import modals
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.views.decision_modals import decide_from_modal, validate_modal


def register(app: App, deps: SlackDeps) -> None:
    for callback_id in (modals.CHANGES_MODAL, modals.REJECT_MODAL, modals.EDIT_MODAL):
        app.view(callback_id)(ack=validate_modal, lazy=[deps.later(decide_from_modal(deps))])
