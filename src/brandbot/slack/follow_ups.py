"""Replies in a request's thread. The requester's reply while their draft waits for review
("shorter", "mention the free trial") is their note for the next revision, taken as an
approver's "Request changes" is: the decision is claimed while Slack waits for the ack, the
resume and the news follow from the rows it writes.

A reply while the request is still being drafted or revised gets a short answer: the note
cannot be used yet, and silently dropping it would leave the person waiting for a change that
never comes. A reply once the request is closed is not a follow-up at all: the message goes on
as it would have anyway (a DM or a mention is a new request, a plain channel reply is ignored).
Replies from anyone but the requester are never follow-ups.
"""

from __future__ import annotations

import logging
from typing import Any

from brandbot import metrics
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.store import outbox
from brandbot.store.events import claim_in
from brandbot.store.models import Request
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.workflow import approvals

log = logging.getLogger(__name__)
Payload = dict[str, Any]
IN_PROGRESS = (RequestStatus.received, RequestStatus.drafting, RequestStatus.awaiting_review)


def take(deps: SlackDeps, event: Payload, text: str, event_keys: tuple[str, ...]) -> bool:
    """True when `event` is the requester's reply in their request's thread and was dealt with
    here; False when it is no follow-up and the caller goes on as before. `text` is the
    message's text without the mention of the bot."""
    request = requester_request(deps, event)
    if request is None:
        return False
    draft = deps.services.requests.latest_draft(request.id)
    if draft is not None and draft.status == DraftStatus.pending:
        try:
            decided = approvals.follow_up(deps.services.engine, draft.id, event["user"], text, event_keys=event_keys)
        except approvals.DecisionRefused as refusal:
            _answer(deps, event, f":no_entry: {mrkdwn_escape(str(refusal))}", event_keys)
            return True
        if decided is not None:
            metrics.REQUESTS.labels("follow_up", "revision").inc()
            log.info("follow-up on %s from its requester: revision %s", draft.id, draft.revision + 1)
            deps.nudge()
        return True
    if request.status in IN_PROGRESS:
        _answer(deps, event, messages.FOLLOW_UP_TOO_EARLY, event_keys)
        return True
    return False


def requester_request(deps: SlackDeps, event: Payload) -> Request | None:
    """The latest request of the message's author answered in the thread it replies in."""
    thread_ts, user = event.get("thread_ts"), event.get("user")
    if not thread_ts or thread_ts == event.get("ts") or not user or not event.get("channel"):
        return None
    mine = [r for r in deps.services.requests.in_thread(event["channel"], thread_ts) if r.requester == user]
    return mine[-1] if mine else None


def _answer(deps: SlackDeps, event: Payload, text: str, event_keys: tuple[str, ...]) -> None:
    """Once per message, however often Slack delivers it."""
    with deps.services.db.session() as session:
        if not all([claim_in(session, key) for key in event_keys]):
            return
        outbox.say(session, event["channel"], text, event["thread_ts"])
    deps.nudge()
