"""The channel a person is viewing while they talk to brandbot in Slack's assistant panel.

Bolt's default thread context store keeps it in the metadata of the bot's greeting in the thread
(`assistant_thread_context`); this reads it from a worker, where Slack calls belong, without a
Bolt request context."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

EVENT_TYPE = "assistant_thread_context"
"""The metadata event type Bolt's default store writes."""


def viewing_channel(client: WebClient, channel: str, thread_ts: str) -> str | None:
    """None when the thread has no context (a plain DM thread) or Slack cannot say."""
    try:
        replies = client.conversations_replies(
            channel=channel, ts=thread_ts, oldest=thread_ts, include_all_metadata=True, limit=4
        )
    except SlackApiError:
        return None
    for message in replies.get("messages") or []:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == EVENT_TYPE:
            return (metadata.get("event_payload") or {}).get("channel_id")
    return None
