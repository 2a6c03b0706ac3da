"""Every entry point the app has: reading this file and the five `register` functions tells all."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners import actions, commands, events, shortcuts, views


def register(app: App, deps: SlackDeps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    shortcuts.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
