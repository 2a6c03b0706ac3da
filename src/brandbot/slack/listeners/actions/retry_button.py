""" "Try again" on a failed request: picks the workflow up where it stopped."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from brandbot.slack import flows
from brandbot.slack.flows import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, first_time, told_on_failure


def retry_clicked(deps: SlackDeps) -> Handler:
    def retry_clicked(body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        if not first_time(deps, f"retry:{action['value']}:{action.get('action_ts')}"):
            return
        with told_on_failure(client, logger, channel, user=user):
            flows.retry_request(deps, client, user, action["value"])

    return retry_clicked
