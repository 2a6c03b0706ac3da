"""Slash commands: /brandbot <request> | help | guidelines."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.commands.brandbot_command import run_command


def register(app: App, deps: SlackDeps) -> None:
    app.command("/brandbot")(run_command(deps))
