"""Where in Slack a reply goes, for the routes that must know a channel id before they post: a
question's or a check's answer, and a slash command's request, which continues in a DM thread."""

from __future__ import annotations

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.workflow.reply_to import ReplyTo


def destination(deps: SlackDeps, reply_to: ReplyTo) -> tuple[str, str | None]:
    """The thread the message came from, or the person's DM with the bot (a slash command's)."""
    where, thread_ts = reply_to.where()
    return (where, thread_ts) if reply_to.threaded else (_dm_channel(deps, where), None)


def open_dm_thread(deps: SlackDeps, user: str, text: str) -> ReplyTo:
    """The person's DM with the bot, a thread opened there by what they asked."""
    channel = _dm_channel(deps, user)
    root = deps.client.chat_postMessage(channel=channel, text=f"You asked: _{mrkdwn_escape(text)}_")
    return ReplyTo(channel, str(root["ts"]))


def _dm_channel(deps: SlackDeps, user: str) -> str:
    return str(deps.client.conversations_open(users=user)["channel"]["id"])
