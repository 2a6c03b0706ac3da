"""A direct message: a file from an admin is a guideline to add; anything else is a request."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from brandbot.slack import flows
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, first_time, told_on_failure
from brandbot.slack.listeners.events.app_mention import MENTION

HANDLED_SUBTYPES = {None, "file_share"}


log = logging.getLogger(__name__)


def is_direct_message(event: Payload) -> bool:
    """People's own messages in a DM; edits, joins and every bot's messages are not requests."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in HANDLED_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def handle_direct_message(deps: SlackDeps) -> Handler:
    def handle_direct_message(body: Payload, event: Payload, client: WebClient, logger: logging.Logger) -> None:
        channel, ts, user = event["channel"], event["ts"], event["user"]
        if not first_time(deps, body.get("event_id"), f"message:{channel}:{ts}"):
            return
        with told_on_failure(client, logger, channel, ts, event_id=body.get("event_id")):
            log.info("direct message from %s%s", user, " with files" if event.get("files") else "")
            if event.get("files"):
                flows.add_guidelines(deps, client, user, event["files"], channel)
            else:
                flows.draft_request(deps, client, user, MENTION.sub("", event.get("text", "")), channel, ts, "dm")

    return handle_direct_message
