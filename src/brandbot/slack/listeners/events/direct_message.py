"""A direct message: a file from an admin is a guideline to add; anything else goes to intake (a
question, a draft request, text to check or to rewrite, or in a request's thread a note on it:
`follow_ups`)."""

from __future__ import annotations

from brandbot import logs
from brandbot.slack import follow_ups, intake, uploads
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed
from brandbot.slack.listeners.events.app_mention import MENTION
from brandbot.workflow.reply_to import ReplyTo

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
        take_direct_message(deps, body, event, "dm")

    return handle_direct_message


def take_direct_message(deps: SlackDeps, body: Payload, event: Payload, entry: str) -> bool:
    """The ack path of every DM, top level or in a thread (an assistant thread too): answers go
    in the message's thread. True when the message went to intake and cannot be a note on the
    sender's request in progress there (that request named the thread: its title stays)."""
    if malformed(event, "user", "channel", "ts"):
        return False
    channel, ts, user = event["channel"], event["ts"], event["user"]
    keys = event_keys(body, event)
    text = MENTION.sub("", event.get("text", ""))
    with logs.bind(event_id=body.get("event_id")):
        if event.get("files"):
            uploads.submit(deps, user, event["files"], channel, keys)
            return False
        reply_to = ReplyTo(channel, event.get("thread_ts") or ts)
        if intake.receive(deps, user, text, reply_to, entry, keys) is not None:
            return False
        thread_ts = event.get("thread_ts")
        return not isinstance(thread_ts, str) or follow_ups.open_request(deps, user, channel, thread_ts) is None
