"""@brandbot in a channel: the request is the message minus the mention; answers go in its thread."""

from __future__ import annotations

import logging
import re

from slack_sdk import WebClient

from brandbot.slack import flows
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, first_time, told_on_failure

MENTION = re.compile(r"<@[UW][A-Z0-9]+(\|[^>]*)?>")


log = logging.getLogger(__name__)


def draft_from_mention(deps: SlackDeps) -> Handler:
    def draft_from_mention(body: Payload, event: Payload, client: WebClient, logger: logging.Logger) -> None:
        channel, ts = event["channel"], event["ts"]
        if not first_time(deps, body.get("event_id"), f"message:{channel}:{ts}"):
            return
        thread_ts = event.get("thread_ts") or ts
        with told_on_failure(client, logger, channel, thread_ts, event_id=body.get("event_id")):
            log.info("mention from %s in %s", event["user"], channel)
            flows.draft_request(
                deps, client, event["user"], MENTION.sub("", event.get("text", "")), channel, thread_ts, "mention"
            )

    return draft_from_mention
