"""Replies in a request's own thread (the channel or DM thread it was asked in, the assistant panel
thread). A reply is read as any message is (`intake`), and only the requester's note on their
request, read as a draft or a rewrite ("shorter, mention the free trial"), is a follow-up: while
the draft waits for review it is taken as an approver's "Request changes" is; a question or a
text to check in the same thread is answered as anywhere else, and the card stays open.

A note while the request is still being drafted or revised gets a short answer: it cannot be used
yet, and silently dropping it would leave the person waiting for a change that never comes. Once
the request is closed a reply is no follow-up at all. Replies from anyone but the requester are
never follow-ups. A plain channel reply (no mention) is recorded for intake only when it can be a
follow-up, and is left alone when it is not one: it was not addressed to the bot.
"""

from __future__ import annotations

import logging
from typing import Any

from brandbot import metrics
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.store import outbox
from brandbot.store.events import claim_in, once_only
from brandbot.store.models import Request
from brandbot.store.status import DraftStatus, RequestStatus
from brandbot.workflow import approvals
from brandbot.workflow.intent import Intent
from brandbot.workflow.reply_to import ReplyTo

log = logging.getLogger(__name__)
IN_PROGRESS = (RequestStatus.received, RequestStatus.drafting, RequestStatus.awaiting_review)
FEEDBACK = (Intent.draft, Intent.rewrite)
"""What a note on a draft reads as; a question or a text to check is not one."""
CHANNEL_REPLY = "thread_reply"
"""The intake entry of a plain reply in a channel thread: a follow-up, or nothing."""


def open_request(deps: SlackDeps, user: str, channel: str, thread_ts: str) -> Request | None:
    """`user`'s latest request answered in the thread, while it is still in progress: a reply of
    theirs there may be a note on it. One indexed lookup, made on the ack path of thread replies."""
    mine = [r for r in deps.services.requests.in_thread(channel, thread_ts) if r.requester == user]
    return mine[-1] if mine and mine[-1].status in IN_PROGRESS else None


def noted_request(deps: SlackDeps, user: str, reply_to: ReplyTo) -> Request | None:
    """For an intake row: the request its message may be a note on (`open_request`), if any."""
    if reply_to.channel is None or reply_to.thread_ts is None:
        return None
    return open_request(deps, user, reply_to.channel, reply_to.thread_ts)


def take(deps: SlackDeps, request: Request, intent: Intent, payload: dict[str, Any], key: str) -> bool:
    """True when the intake row `key` (its `payload`, read as `intent`) was the requester's note
    on `request` and was dealt with here: the next revision, or why not yet. Its writes claim the
    key a draft routed from the row claims (`intake.start_draft`), so a row run twice takes one
    route, once: not a note on the request its own first run started."""
    if intent not in FEEDBACK:
        return False
    user, text, reply_to = payload["user"], payload["text"], ReplyTo.of(payload["reply_to"])
    draft = deps.services.requests.latest_draft(request.id)
    if draft is None or draft.status != DraftStatus.pending:
        _answer(deps, reply_to, messages.FOLLOW_UP_TOO_EARLY, key)
        return True
    try:
        decided = approvals.follow_up(deps.services.engine, draft.id, user, text, event_keys=(_routed(key),))
    except approvals.DecisionRefused as refusal:
        _answer(deps, reply_to, f":no_entry: {mrkdwn_escape(str(refusal))}", key)
        return True
    if decided is not None:
        metrics.REQUESTS.labels("follow_up", "revision").inc()
        log.info("follow-up on %s from its requester: revision %s", draft.id, draft.revision + 1)
        deps.nudge()
    return True


def _answer(deps: SlackDeps, reply_to: ReplyTo, text: str, key: str) -> None:
    """Once per intake row, however often it runs, and never after the row took another route."""
    with deps.services.db.session() as session:
        if not claim_in(session, _routed(key)):
            return
        channel, thread_ts = reply_to.where()
        outbox.say(session, channel, text, thread_ts)
    deps.nudge()


def _routed(key: str) -> str:
    """The one route of the intake row `key`, claimed for good."""
    return once_only(f"routed:{key}")
