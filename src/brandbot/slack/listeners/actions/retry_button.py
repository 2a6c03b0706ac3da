""" "Try again" on a failed request: the requester or an approver reopens it, once, paid from the
clicker's drafts budget; a worker picks the workflow up where it stopped."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, tell_privately_later
from brandbot.workflow.engine import RequestInvalid


def retry_clicked(deps: SlackDeps) -> Handler:
    def retry_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user, request_id = body["user"]["id"], action["value"]
        channel = (body.get("channel") or {}).get("id")
        refusal = _refusal(deps, user, request_id)
        ack()
        if refusal and channel:
            tell_privately_later(deps, client, logger, channel, user, refusal)

    return retry_clicked


def _refusal(deps: SlackDeps, user: str, request_id: str) -> str | None:
    requests = deps.services.requests
    request = requests.get_request(request_id)
    if request is None:
        return f"There is no request {mrkdwn_escape(request_id)}."
    if user != request.requester and not deps.directory.is_approver(user):
        return ":no_entry: Only the person who asked or an approver can retry this request."
    try:
        reopened = deps.services.engine.reopen(request_id, user)
    except RequestInvalid as error:
        return f":warning: {mrkdwn_escape(str(error))}"
    if not reopened:
        status = request.status.replace("_", " ")
        return f":information_source: Request `{mrkdwn_escape(request_id)}` is {status}; nothing to retry."
    deps.nudge()
    return None
