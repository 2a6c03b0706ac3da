"""A submission is decided before the ack: an empty field or a refusal (someone else decided
meanwhile) is answered inside the modal, which stays open with the text typed; a decision closes it."""

from __future__ import annotations

from slack_bolt import Ack

from brandbot.slack import decisions
from brandbot.slack.blocks import modals
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload

ACTIONS = {modals.CHANGES_MODAL: "changes", modals.REJECT_MODAL: "reject", modals.EDIT_MODAL: "edit"}
FIELDS = {
    modals.CHANGES_MODAL: ("feedback", "Say what should change."),
    modals.REJECT_MODAL: ("reason", "Give a reason."),
    modals.EDIT_MODAL: ("part_0", "The edited draft can't be empty."),
}


def decide_from_modal(deps: SlackDeps) -> Handler:
    def decide_from_modal(ack: Ack, body: Payload, view: Payload) -> None:
        user, draft_id, callback_id = body["user"]["id"], view["private_metadata"], view["callback_id"]
        values = view["state"]["values"]
        block_id, empty = FIELDS[callback_id]
        text = modals.edited_text(values) if callback_id == modals.EDIT_MODAL else modals.submitted(values, block_id)
        if not text:
            ack(response_action="errors", errors={block_id: empty})
            return
        refusal = decisions.decide(deps, user, draft_id, ACTIONS[callback_id], text)
        if refusal:
            ack(response_action="errors", errors={block_id: refusal.removeprefix(":no_entry: ")})
            return
        ack()

    return decide_from_modal
