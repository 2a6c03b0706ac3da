"""Receipt on a decided card: the requester, approvers and admins see the approved text's
receipt in a modal (opened within trigger_id's 3 s); anyone else is told no, privately."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.blocks.receipts import receipt_modal
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, told_on_failure
from brandbot.store import receipts


def open_receipt(deps: SlackDeps) -> Handler:
    def open_receipt(ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        ack()
        user, request_id = body["user"]["id"], str(action.get("value") or "")
        channel = (body.get("channel") or {}).get("id")
        with told_on_failure(client, logger, channel, user=user):
            refusal = _refusal(deps, user, request_id)
            found = None if refusal else receipts.find(deps.services.db, request_id)
            if found is None:
                if channel:
                    text = refusal or f":information_source: Request `{mrkdwn_escape(request_id)}` has no receipt."
                    client.chat_postEphemeral(channel=channel, user=user, text=text)
                return
            client.views_open(trigger_id=body["trigger_id"], view=receipt_modal(found))

    return open_receipt


def _refusal(deps: SlackDeps, user: str, request_id: str) -> str | None:
    request = deps.services.requests.get_request(request_id)
    if request is None:
        return f"There is no request {mrkdwn_escape(request_id)}."
    directory = deps.directory
    if user != request.requester and not directory.is_approver(user) and not directory.is_admin(user):
        return ":no_entry: Only the person who asked, approvers and admins can see this receipt."
    return None
