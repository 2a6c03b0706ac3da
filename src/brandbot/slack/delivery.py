"""Slack's side of a draft's life: the approval card, its updates, and news for the requester."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot.services import Services
from brandbot.slack.blocks import approval, messages
from brandbot.store.models import Draft, Request
from brandbot.workflow.status import draft_status

log = logging.getLogger(__name__)


def post_card(services: Services, client: WebClient, draft: Draft) -> str | None:
    """Posts the approval card for `draft`, remembers where, and returns its permalink."""
    channel = services.settings.approval_channel
    if not channel:
        raise RuntimeError("BRANDBOT_APPROVAL_CHANNEL is not set: there is nowhere to send drafts for approval")
    request = services.requests.get_request(draft.request_id)
    assert request is not None
    card = approval.approval_card(draft_status(services.requests, request, draft))
    response = client.chat_postMessage(channel=channel, **card)
    services.requests.set_card(draft.id, {"channel": response["channel"], "ts": response["ts"]})
    return permalink(client, response["channel"], response["ts"])


def close_card(services: Services, client: WebClient, draft_id: str, superseded_by: Draft | None = None) -> None:
    """Replaces the card's buttons with who decided what, and when."""
    draft = services.requests.get_draft(draft_id)
    if draft is None or not draft.card:
        return
    request = services.requests.get_request(draft.request_id)
    assert request is not None
    view = draft_status(services.requests, request, draft)
    newer = None if superseded_by is None else {"revision": superseded_by.revision, "draft_id": superseded_by.id}
    client.chat_update(channel=draft.card["channel"], ts=draft.card["ts"], **approval.decided_card(view, newer))


def tell_requester(client: WebClient, request: Request, text: str, **extra: Any) -> None:
    """Posts into the thread the request came from; requests from the CLI have none."""
    if not request.reply_to:
        return
    client.chat_postMessage(
        channel=request.reply_to["channel"], thread_ts=request.reply_to.get("thread_ts"), text=text, **extra
    )


def deliver_outcome(services: Services, client: WebClient, draft_id: str) -> None:
    """After a decision: the card says what happened; the requester hears it in their thread."""
    draft = services.requests.get_draft(draft_id)
    assert draft is not None
    request = services.requests.get_request(draft.request_id)
    assert request is not None
    latest = services.requests.latest_draft(request.id)
    newer = latest if latest is not None and latest.id != draft.id else None
    close_card(services, client, draft_id, superseded_by=newer)
    outcome = approval.outcome_line(draft_status(services.requests, request, draft))
    if draft.status == "approved":
        tell_requester(client, request, messages.approved(outcome))
        for part in messages.final_text(request.final_text or draft.text):
            tell_requester(client, request, part)
    elif draft.status == "changes_requested":
        tell_requester(client, request, messages.revision_started(outcome))
        if newer is not None and newer.status == "pending":
            link = post_card(services, client, newer)
            tell_requester(client, request, messages.sent_for_approval(link, newer.id))
        elif request.status == "failed":
            tell_requester(client, request, **messages.failed(request.error or "Drafting failed.", request.id))
    else:
        tell_requester(client, request, messages.closed(outcome))


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as error:
        log.error("chat.getPermalink failed: %s", error.response.get("error"))
        return None
