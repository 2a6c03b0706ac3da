"""A reply in a channel thread (message.channels, message.groups): the requester's reply in the
thread of their request in progress goes to intake, which takes it as a follow-up if it is a note
on the request (`follow_ups`); every other channel message is ignored. A reply that mentions the
bot is left to the app_mention listener: Slack sends it as both, and a mention is routed in full."""

from __future__ import annotations

from slack_bolt import BoltContext

from brandbot import logs
from brandbot.slack import follow_ups, intake
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, event_keys, malformed
from brandbot.slack.listeners.events.app_mention import MENTION
from brandbot.workflow.reply_to import ReplyTo


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
    def follow_up_in_channel(body: Payload, event: Payload, context: BoltContext) -> None:
        if malformed(event, "user", "channel", "ts", "thread_ts"):
            return
        raw = event.get("text", "")
        text = MENTION.sub("", raw).strip()
        if not text or (context.bot_user_id and f"<@{context.bot_user_id}" in raw):
            return
        user, channel, thread_ts = event["user"], event["channel"], event["thread_ts"]
        if follow_ups.open_request(deps, user, channel, thread_ts) is None:
            return
        with logs.bind(event_id=body.get("event_id")):
            reply_to = ReplyTo(channel, thread_ts)
            intake.receive(deps, user, text, reply_to, follow_ups.CHANNEL_REPLY, event_keys(body, event))

    return follow_up_in_channel
