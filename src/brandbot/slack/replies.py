"""Where in Slack a reply goes, for the routes that must know a channel id before they post: a
question's or a check's answer, and a slash command's request, which continues in a DM thread."""

from __future__ import annotations

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.workflow.reply_to import ReplyTo


def destination(deps: SlackDeps, reply_to: ReplyTo) -> tuple[str, str | None]:
    """The thread the message came from, or the person's DM with the bot (a slash command's)."""
    if reply_to.threaded or reply_to.dm_user is None:
        return reply_to.where()
    return str(deps.client.conversations_open(users=reply_to.dm_user)["channel"]["id"]), None


def open_dm_thread(deps: SlackDeps, user: str, text: str) -> ReplyTo:
    """The person's DM with the bot, a thread opened there by what they asked."""
    channel = str(deps.client.conversations_open(users=user)["channel"]["id"])
    root = deps.client.chat_postMessage(channel=channel, text=f"You asked: _{mrkdwn_escape(text)}_")
    return ReplyTo(channel, str(root["ts"]))
