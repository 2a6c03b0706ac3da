"""/brandbot proposals (admins): the ack says it is looking, and the list follows once the review
history is mined again and back-tested, which can take longer than Slack waits for an ack."""

from __future__ import annotations

import logging

from slack_bolt import Ack, Respond

from brandbot.rulebook import proposals as learned
from brandbot.slack.blocks import proposals
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, malformed, told_on_failure

SUBCOMMAND = "proposals"
REFUSED = ":lock: Only brandbot admins can review rule proposals."


def asks_for_proposals(command: Payload) -> bool:
    """The matcher that sends `/brandbot proposals` here, ahead of the general /brandbot listener."""
    return str(command.get("text") or "").strip() == SUBCOMMAND


def acknowledge(deps: SlackDeps) -> Handler:
    def acknowledge(ack: Ack, command: Payload) -> None:
        if malformed(command, "user_id"):
            ack(text=":warning: Slack sent this command without saying who ran it, so I can't answer it.")
        elif deps.directory.is_admin(command["user_id"]):
            ack(text=":mag: Looking through reviewers' edits and change requests for rules to propose…")
        else:
            ack(text=REFUSED)

    return acknowledge


def list_proposals(deps: SlackDeps) -> Handler:
    def list_proposals(command: Payload, respond: Respond, logger: logging.Logger) -> None:
        user = command.get("user_id")
        if not isinstance(user, str) or not deps.directory.is_admin(user):
            return
        services = deps.services
        with told_on_failure(deps.client, logger, command.get("channel_id"), user=user):
            found = learned.refresh(services.settings, services.db, services.rules())
            respond(text="Rule proposals", blocks=proposals.proposal_list(found))

    return list_proposals
