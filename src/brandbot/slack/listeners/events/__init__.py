"""Event listeners: mentions and direct messages (messages to intake, admin uploads), replies in
request threads (follow-ups), Slack's assistant panel, App Home."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import ack_now, ignore_other_messages
from brandbot.slack.listeners.events import assistant
from brandbot.slack.listeners.events.app_home_opened import publish_home
from brandbot.slack.listeners.events.app_mention import from_mention
from brandbot.slack.listeners.events.direct_message import handle_direct_message, is_direct_message
from brandbot.slack.listeners.events.thread_reply import follow_up_in_channel, is_channel_thread_reply


def register(app: App, deps: SlackDeps) -> None:
    app.assistant(assistant.build(deps))
    app.event("app_mention")(from_mention(deps))
    app.event("message", matchers=[is_direct_message])(handle_direct_message(deps))
    app.event("message", matchers=[is_channel_thread_reply])(follow_up_in_channel(deps))
    app.event("message")(ignore_other_messages)
    app.event("app_home_opened")(ack=ack_now, lazy=[publish_home(deps)])
