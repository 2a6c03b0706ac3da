"""@brandbot in a channel: the request is the message minus the mention; answers go in its thread."""

from __future__ import annotations

import re

from brandbot import logs
from brandbot.slack import requests
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed

MENTION = re.compile(r"<@[UW][A-Z0-9]+(\|[^>]*)?>")


def draft_from_mention(deps: SlackDeps) -> Handler:
    def draft_from_mention(body: Payload, event: Payload) -> None:
        if malformed(event, "user", "channel", "ts"):
            return
        channel, ts = event["channel"], event["ts"]
        text = MENTION.sub("", event.get("text", ""))
        thread_ts = event.get("thread_ts") or ts
        with logs.bind(event_id=body.get("event_id")):
            requests.submit(deps, event["user"], text, channel, thread_ts, "mention", event_keys(body, event))

    return draft_from_mention
