"""@brandbot in a channel: the message minus the mention goes to intake; answers go in its
thread. Intake reads the requester's note in their own request's thread as a follow-up (`follow_ups`)."""

from __future__ import annotations

import re

from brandbot import logs
from brandbot.slack import intake
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed
from brandbot.workflow.reply_to import ReplyTo

MENTION = re.compile(r"<@[UW][A-Z0-9]+(\|[^>]*)?>")


def from_mention(deps: SlackDeps) -> Handler:
    def from_mention(body: Payload, event: Payload) -> None:
        if malformed(event, "user", "channel", "ts"):
            return
        channel, ts = event["channel"], event["ts"]
        text = MENTION.sub("", event.get("text", ""))
        thread_ts = event.get("thread_ts") or ts
        keys = event_keys(body, event)
        with logs.bind(event_id=body.get("event_id")):
            intake.receive(deps, event["user"], text, ReplyTo(channel, thread_ts), "mention", keys)

    return from_mention
