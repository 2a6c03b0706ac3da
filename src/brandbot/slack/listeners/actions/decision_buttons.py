"""Approve decides before the ack; Request changes, Edit and Reject open a modal first (within
trigger_id's 3 s). A refusal is told to the clicker alone."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import decisions
from brandbot.slack.blocks import approval, modals
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, tell_privately_later, told_on_failure


def approve_clicked(deps: SlackDeps) -> Handler:
    def approve_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user, channel, draft_id = body["user"]["id"], _channel(body), action["value"]
        refusal = decisions.decide(deps, user, draft_id, "approve", None)
        ack()
        if refusal:
            tell_privately_later(deps, client, logger, channel, user, refusal)

    return approve_clicked


def open_decision_modal(deps: SlackDeps) -> Handler:
    def open_decision_modal(
        ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger
    ) -> None:
        ack()
        user, channel, draft_id = body["user"]["id"], _channel(body), action["value"]
        with told_on_failure(client, logger, channel, user=user):
            refusal = decisions.refusal_before_modal(deps, user, draft_id)
            if refusal:
                client.chat_postEphemeral(channel=channel, user=user, text=refusal)
                return
            if action["action_id"] == approval.CHANGES:
                view = modals.changes_modal(draft_id)
            elif action["action_id"] == approval.REJECT:
                view = modals.reject_modal(draft_id)
            else:
                draft = deps.services.requests.get_draft(draft_id)
                view = modals.edit_modal(draft_id, draft.text if draft else "")
            client.views_open(trigger_id=body["trigger_id"], view=view)

    return open_decision_modal


def _channel(body: Payload) -> str:
    return str((body.get("channel") or body.get("container") or {}).get("id") or body["container"]["channel_id"])
