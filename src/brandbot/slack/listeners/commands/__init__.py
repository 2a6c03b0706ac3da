"""Slash commands: /brandbot <request> | help | guidelines."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.commands.brandbot_command import acknowledge_command, run_command


def register(app: App, deps: SlackDeps) -> None:
    app.command("/brandbot")(ack=acknowledge_command(deps), lazy=[deps.later(run_command(deps))])
