"""/brandbot: help and the guideline list answer in the ack itself; a request continues in a DM thread."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import flows
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, told_on_failure

INSTANT = {"", "help", "guidelines"}


def acknowledge_command(deps: SlackDeps) -> Handler:
    def acknowledge_command(ack: Ack, command: Payload) -> None:
        text = command.get("text", "").strip()
        if text in ("", "help"):
            ack(text=messages.HELP)
        elif text == "guidelines":
            documents = deps.services.knowledge_base.registry.all()
            blocks = messages.guideline_list(documents, deps.directory.is_admin(command["user_id"]))
            ack(text="Guideline documents", blocks=blocks)
        else:
            ack(text=":pencil2: On it. I'll draft it in our direct messages and send it for approval.")

    return acknowledge_command


def run_command(deps: SlackDeps) -> Handler:
    def run_command(command: Payload, client: WebClient, logger: logging.Logger) -> None:
        text = command.get("text", "").strip()
        if text in INSTANT:
            return
        user = command["user_id"]
        with told_on_failure(client, logger, command.get("channel_id"), user=user):
            dm = client.conversations_open(users=user)["channel"]["id"]
            root = client.chat_postMessage(channel=dm, text=f"You asked: _{mrkdwn_escape(text)}_")
            flows.draft_request(deps, client, user, text, dm, root["ts"], "command")

    return run_command
