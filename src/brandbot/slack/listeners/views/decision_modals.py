"""An empty field is answered inside the modal; a valid submission closes it and decides."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import flows
from brandbot.slack.blocks import modals
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, told_on_failure

ACTIONS = {modals.CHANGES_MODAL: "changes", modals.REJECT_MODAL: "reject", modals.EDIT_MODAL: "edit"}
REQUIRED = {
    modals.CHANGES_MODAL: ("feedback", "Say what should change."),
    modals.REJECT_MODAL: ("reason", "Give a reason."),
}


def validate_modal(ack: Ack, view: Payload) -> None:
    values = view["state"]["values"]
    callback_id = view["callback_id"]
    if callback_id in REQUIRED:
        block_id, message = REQUIRED[callback_id]
        if not modals.submitted(values, block_id):
            ack(response_action="errors", errors={block_id: message})
            return
    elif not modals.edited_text(values):
        ack(response_action="errors", errors={"part_0": "The edited draft can't be empty."})
        return
    ack()


def decide_from_modal(deps: SlackDeps) -> Handler:
    def decide_from_modal(body: Payload, view: Payload, client: WebClient, logger: logging.Logger) -> None:
        user, draft_id, callback_id = body["user"]["id"], view["private_metadata"], view["callback_id"]
        values = view["state"]["values"]
        text = (
            modals.edited_text(values)
            if callback_id == modals.EDIT_MODAL
            else modals.submitted(values, REQUIRED[callback_id][0])
        )
        channel = deps.services.settings.approval_channel
        with told_on_failure(client, logger, channel, user=user):
            flows.make_decision(deps, client, user, draft_id, ACTIONS[callback_id], text, channel)

    return decide_from_modal
