"""Delivers the outbox: each notice about a draft or a request becomes Slack messages.

A delivery may be cut short (a replica killed, Slack down) and run again; every message it
posts is recorded on its row as soon as Slack answers, and a re-delivery edits that message
instead of posting a second one.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot.services import Services
from brandbot.slack.blocks import approval, intake, messages, rechecks
from brandbot.store.models import Draft, OutboxMessage, Request
from brandbot.store.outbox import Notice, record_message
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.store.views import DraftView, draft_view, state_view
from brandbot.workers import Handler

log = logging.getLogger(__name__)
METADATA_EVENT = "brandbot_outbox"


class Courier:
    """Renders one outbox row; `handlers` is what the outbox workers run."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client

    def handlers(self) -> dict[str, Handler[OutboxMessage]]:
        return {
            Notice.queued: Handler(self._queued),
            Notice.draft_ready: Handler(self._draft_ready),
            Notice.card_closed: Handler(self._card_closed),
            Notice.decided: Handler(self._decided),
            Notice.failed: Handler(self._failed),
            Notice.refused: Handler(self._refused),
            Notice.say: Handler(self._say),
            Notice.recheck_digest: Handler(self._recheck_digest),
        }

    def _queued(self, row: OutboxMessage) -> None:
        """Becomes the request's progress message, which the worker edits once drafting starts;
        nothing if it has started already. Whichever of the two posts first is kept. It carries
        "Just answer", for someone who only had a question."""
        request = self.services.requests.get_request(str(row.request_id))
        if request is None or not request.reply_to or "status_ts" in request.reply_to:
            return
        ahead = self.services.engine.queue_position(request.id)
        if ahead is None:
            return
        reply_to = request.reply_to
        queued = intake.with_just_answer(messages.queued(ahead), request.id)
        posted = self._post(row, "requester", reply_to["channel"], reply_to.get("thread_ts"), **queued)
        keep_first_status(self.services, self.client, request.id, posted["channel"], posted["ts"])

    def _draft_ready(self, row: OutboxMessage) -> None:
        """The card in the approval channel; the previous revision's card says it was superseded;
        the requester learns where the draft waits."""
        requests = self.services.requests
        draft, request = self._draft_and_request(row.payload["draft_id"])
        channel = self.services.settings.approval_channel
        if not channel:
            raise RuntimeError("BRANDBOT_APPROVAL_CHANNEL is not set: there is nowhere to send drafts for approval")
        card = approval.approval_card(draft_view(requests, request, draft))
        posted = self._post(row, "card", channel, None, **card)
        requests.set_card(draft.id, posted)
        previous = [d for d in requests.drafts_for(request.id) if d.revision == draft.revision - 1]
        if previous and previous[0].card:
            self._close_card(previous[0], request)
        link = permalink(self.client, posted["channel"], posted["ts"])
        text = messages.sent_for_approval(link, draft.id)
        status_ts = (request.reply_to or {}).get("status_ts")
        if draft.revision == 1 and status_ts and "requester" not in row.messages:
            self._update_status(row, request, status_ts, **intake.with_just_answer(text, request.id))
        else:
            self._tell(row, "requester", request, text=text)

    def _card_closed(self, row: OutboxMessage) -> None:
        """The card loses its buttons and shows who decided what."""
        state = self.services.requests.draft_state(row.payload["draft_id"])
        assert state is not None, row.payload["draft_id"]
        self._close_card(state.draft, state.request, state_view(state), state.latest)

    def _decided(self, row: OutboxMessage) -> None:
        """The requester hears the outcome."""
        state = self.services.requests.draft_state(row.payload["draft_id"])
        assert state is not None, row.payload["draft_id"]
        draft, request = state.draft, state.request
        view = state_view(state)
        if not row.payload.get("card_apart"):
            self._close_card(draft, request, view, state.latest)
        outcome = approval.outcome_line(view)
        if draft.status == DraftStatus.approved:
            final = (state.decision.final_text if state.decision else None) or draft.text
            self._tell(row, "requester", request, text=messages.approved(outcome))
            for number, part in enumerate(messages.final_text(final)):
                self._tell(row, f"final_{number}", request, **part)
        elif draft.status == DraftStatus.changes_requested:
            self._tell(row, "requester", request, text=messages.revision_started(outcome))
        else:
            self._tell(row, "requester", request, text=messages.closed(outcome))

    def _failed(self, row: OutboxMessage) -> None:
        request = self.services.requests.get_request(str(row.request_id))
        if request is None or request.status != RequestStatus.failed:
            return
        self._tell(row, "requester", request, **messages.failed(row.payload["error"], request.id))

    def _refused(self, row: OutboxMessage) -> None:
        request = self.services.requests.get_request(str(row.request_id))
        if request is not None:
            self._tell(row, "requester", request, text=messages.refused(row.payload["error"]))

    def _recheck_digest(self, row: OutboxMessage) -> None:
        """What a re-check found no longer holds, posted once to the approval channel."""
        store = self.services.rechecker.store
        recheck = store.get(int(row.payload["recheck_id"]))
        channel = self.services.settings.approval_channel
        if recheck is None or not channel:
            return
        findings = store.findings(recheck.id)
        self._post(row, "digest", channel, None, **rechecks.digest(recheck, findings, store.asked(findings)))

    def _say(self, row: OutboxMessage) -> None:
        payload = dict(row.payload)
        channel, thread_ts = payload.pop("channel"), payload.pop("thread_ts", None)
        self._post(row, "message", channel, thread_ts, **payload)

    def _close_card(
        self, draft: Draft, request: Request, view: DraftView | None = None, latest: Draft | None = None
    ) -> None:
        """Idempotent by nature: the card is edited to the same decided state every time."""
        if not draft.card or draft.status == DraftStatus.pending:
            return
        requests = self.services.requests
        latest = latest or requests.latest_draft(request.id)
        newer = (
            None if latest is None or latest.id == draft.id else {"revision": latest.revision, "draft_id": latest.id}
        )
        view = view or draft_view(requests, request, draft)
        self.client.chat_update(
            channel=draft.card["channel"], ts=draft.card["ts"], **approval.decided_card(view, newer)
        )

    def _tell(self, row: OutboxMessage, role: str, request: Request, **message: Any) -> None:
        if request.reply_to:
            self._post(row, role, request.reply_to["channel"], request.reply_to.get("thread_ts"), **message)

    def _update_status(self, row: OutboxMessage, request: Request, status_ts: str, **message: Any) -> None:
        """Turns the requester's progress message into the news; posts anew if it was deleted."""
        channel = (request.reply_to or {})["channel"]
        try:
            self.client.chat_update(channel=channel, ts=status_ts, **message)
        except SlackApiError as error:
            log.info("progress message gone (%s); posting instead", error.response.get("error"))
            self._tell(row, "requester", request, **message)
            return
        record_message(self.services.db, row.id, "requester", channel, status_ts)

    def _post(
        self, row: OutboxMessage, role: str, channel: str, thread_ts: str | None, **message: Any
    ) -> dict[str, str]:
        """Posts once per row and role: a message this row already produced is edited instead.
        Each post carries the row's key in its metadata, so a delivery cut short between Slack's
        answer and the record of it finds its message in the channel instead of posting twice."""
        marker = {"outbox": row.key, "role": role}
        earlier = row.messages.get(role)
        if earlier is None and row.attempts > 1:
            earlier = self._find_posted(row, marker, channel, thread_ts)
        if earlier is not None:
            self.client.chat_update(channel=earlier["channel"], ts=earlier["ts"], **message)
            return dict(earlier)
        response = self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            metadata={"event_type": METADATA_EVENT, "event_payload": marker},
            **message,
        )
        posted = {"channel": str(response["channel"]), "ts": str(response["ts"])}
        self._remember(row, role, posted)
        return posted

    def _find_posted(
        self, row: OutboxMessage, marker: dict[str, str], channel: str, thread_ts: str | None
    ) -> dict[str, str] | None:
        try:
            conversation = self._conversation(channel)
            if thread_ts:
                response = self.client.conversations_replies(
                    channel=conversation, ts=thread_ts, include_all_metadata=True, limit=200
                )
            else:
                response = self.client.conversations_history(
                    channel=conversation, oldest=str(row.created_at.timestamp()), include_all_metadata=True, limit=200
                )
        except SlackApiError as error:
            log.warning("could not look for an earlier delivery: %s", error.response.get("error"))
            return None
        for message in response.get("messages") or []:
            if (message.get("metadata") or {}).get("event_payload") == marker:
                found = {"channel": conversation, "ts": str(message["ts"])}
                self._remember(row, marker["role"], found)
                return found
        return None

    def _conversation(self, channel: str) -> str:
        """Slack posts a message sent to a user id in the person's DM with the bot, but reads that
        DM only by its own id."""
        if channel.startswith(("U", "W")):
            return str(self.client.conversations_open(users=channel)["channel"]["id"])
        return channel

    def _remember(self, row: OutboxMessage, role: str, message: dict[str, str]) -> None:
        record_message(self.services.db, row.id, role, message["channel"], message["ts"])
        row.messages = {**row.messages, role: message}

    def _draft_and_request(self, draft_id: str) -> tuple[Draft, Request]:
        draft = self.services.requests.get_draft(draft_id)
        assert draft is not None, draft_id
        request = self.services.requests.get_request(draft.request_id)
        assert request is not None
        return draft, request


def keep_first_status(services: Services, client: WebClient, request_id: str, channel: str, ts: str) -> str:
    """The courier's "queued" message and the worker's progress message can be posted at the
    same moment: the first recorded stays the request's progress message, the other is deleted
    (if Slack refuses, it stays). Returns the ts kept."""
    kept = services.requests.claim_status_message(request_id, ts) or ts
    if kept != ts:
        try:
            client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            log.info("could not delete a superseded message: %s", error.response.get("error"))
    return kept


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as error:
        log.error("chat.getPermalink failed: %s", error.response.get("error"))
        return None
