"""A direct message: a file from an admin is a guideline to add; anything else goes to intake
(a question, a draft request, text to check or to rewrite)."""

from __future__ import annotations

from brandbot import logs
from brandbot.slack import intake, uploads
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed
from brandbot.slack.listeners.events.app_mention import MENTION

HANDLED_SUBTYPES = {None, "file_share"}


def is_direct_message(event: Payload) -> bool:
    """People's own messages in a DM; edits, joins and every bot's messages are not requests."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in HANDLED_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def handle_direct_message(deps: SlackDeps) -> Handler:
    def handle_direct_message(body: Payload, event: Payload) -> None:
        if malformed(event, "user", "channel", "ts"):
            return
        channel, ts, user = event["channel"], event["ts"], event["user"]
        keys = event_keys(body, event)
        with logs.bind(event_id=body.get("event_id")):
            if event.get("files"):
                uploads.submit(deps, user, event["files"], channel, keys)
            else:
                text = MENTION.sub("", event.get("text", ""))
                intake.receive(deps, user, text, {"channel": channel, "thread_ts": ts}, "dm", keys)

    return handle_direct_message
