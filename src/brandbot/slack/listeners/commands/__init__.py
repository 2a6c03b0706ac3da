"""Slash commands: /brandbot <request> | help | guidelines | quarantine | proposals."""

from __future__ import annotations

from slack_bolt import App

from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.commands.brandbot_command import run_command
from brandbot.slack.listeners.commands.proposals_command import acknowledge, asks_for_proposals, list_proposals


def register(app: App, deps: SlackDeps) -> None:
    app.command("/brandbot", matchers=[asks_for_proposals])(ack=acknowledge(deps), lazy=[list_proposals(deps)])
    app.command("/brandbot")(run_command(deps))
