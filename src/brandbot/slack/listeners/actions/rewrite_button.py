""" "Rewrite on-brand" on a text check's answer: a draft request from the checked text, for the
person who asked for the check, drafted in their DM and sent for approval like any draft.
Recorded before the ack, like a decision; a second click is told it was already requested."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import text_checks
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, tell_privately_later


def rewrite_clicked(deps: SlackDeps) -> Handler:
    def rewrite_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        refusal = text_checks.rewrite(deps, user, str(action.get("value") or ""), channel)
        ack()
        if refusal and channel:
            tell_privately_later(deps, client, logger, channel, user, refusal)

    return rewrite_clicked
