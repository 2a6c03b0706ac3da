"""A reply in a channel thread (message.channels, message.groups): the requester's reply in
their request's thread may be a follow-up (`follow_ups`); every other channel message is ignored."""

from __future__ import annotations

from brandbot import logs
from brandbot.slack import follow_ups
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed
from brandbot.slack.listeners.events.app_mention import MENTION


def is_channel_thread_reply(event: Payload) -> bool:
    """A person's own reply in a thread of a public or private channel, also when sent to the
    channel too (`thread_broadcast`); not edits, not bots."""
    return (
        event.get("channel_type") in ("channel", "group")
        and event.get("subtype") in (None, "thread_broadcast")
        and not event.get("bot_id")
        and bool(event.get("thread_ts"))
        and event.get("thread_ts") != event.get("ts")
    )


def follow_up_in_channel(deps: SlackDeps) -> Handler:
    def follow_up_in_channel(body: Payload, event: Payload) -> None:
        if malformed(event, "user", "channel", "ts", "thread_ts"):
            return
        with logs.bind(event_id=body.get("event_id")):
            follow_ups.take(deps, event, MENTION.sub("", event.get("text", "")), event_keys(body, event))

    return follow_up_in_channel
