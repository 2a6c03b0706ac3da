"""Requests to draft (from a message intake read as a draft or a rewrite, or a "Draft it
instead"), drafted by whichever replica's worker claims the work, with progress in the thread."""

from __future__ import annotations

import logging

from brandbot.slack.blocks import messages
from brandbot.slack.deps import SlackDeps
from brandbot.slack.progress import RequestNews
from brandbot.slack.replies import open_dm_thread
from brandbot.store.models import Request, WorkItem
from brandbot.store.work_kinds import DRAFTING, WorkKind
from brandbot.workers import Handler

log = logging.getLogger(__name__)


def handler(deps: SlackDeps) -> Handler[WorkItem]:
    """Runs a request's work row with news in the requester's thread: a new request or a retry
    gets a progress message that is edited as it goes, and one taken over from a stopped
    replica says so. All of it best effort and off the drafting thread (`RequestNews`)."""
    engine = deps.services.engine

    def run(row: WorkItem) -> None:
        request = deps.services.requests.get_request(str(row.request_id))
        if request is None or not request.reply_to:
            engine.handler().run(row)
            return
        if "dm_user" in request.reply_to and "channel" not in request.reply_to:
            request = _open_dm_thread(deps, request)
        news = RequestNews(deps, request.id, request.reply_to or {}, fresh=row.kind == WorkKind.retry)
        if row.attempts > 1:
            news.say(messages.RESUMED)
        drafting = row.kind in DRAFTING
        if drafting:
            news.progress({})
        news.status("is drafting...")
        try:
            engine.handler(news.progress if drafting else None).run(row)
        finally:
            news.status("")

    return Handler(run, engine.handler().on_give_up)


def _open_dm_thread(deps: SlackDeps, request: Request) -> Request:
    """A slash command's request continues in a DM thread that starts with what was asked."""
    user = (request.reply_to or {})["dm_user"]
    thread = open_dm_thread(deps, user, request.text)
    deps.services.requests.set_reply_to(request.id, channel=thread.channel, thread_ts=thread.thread_ts)
    reopened = deps.services.requests.get_request(request.id)
    assert reopened is not None
    return reopened
