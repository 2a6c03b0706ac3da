"""Shortcuts: "Check against brand" on any message."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.shortcuts.check_message import CHECK_AGAINST_BRAND, check_message


def register(app: App, deps: SlackDeps) -> None:
    app.message_shortcut(CHECK_AGAINST_BRAND)(check_message(deps))
