"""Modal submissions: feedback for changes, a reason for rejection, an edited draft."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.blocks import modals
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.views.decision_modals import decide_from_modal


def register(app: App, deps: SlackDeps) -> None:
    for callback_id in (modals.CHANGES_MODAL, modals.REJECT_MODAL, modals.EDIT_MODAL):
        app.view(callback_id)(decide_from_modal(deps))
