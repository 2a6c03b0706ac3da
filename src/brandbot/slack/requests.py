"""Requests from a mention, a DM or /brandbot: recorded and queued while Slack waits for the
ack, drafted by whichever replica's worker claims the work, with progress in the thread."""

from __future__ import annotations

import logging

from brandbot import metrics
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.progress import RequestNews
from brandbot.store import outbox
from brandbot.store.models import Request, WorkItem
from brandbot.store.requests import Job
from brandbot.workers import Handler
from brandbot.workflow.engine import RequestInvalid

log = logging.getLogger(__name__)


def submit(
    deps: SlackDeps, user: str, text: str, channel: str, thread_ts: str, entry: str, event_keys: tuple[str, ...]
) -> Request | None:
    """The ack path: the request and its work row in one transaction, or a reply saying why not.
    Returns the request, unless it was refused or its event handled before."""
    try:
        request = deps.services.engine.submit(
            user, text, "slack", reply_to={"channel": channel, "thread_ts": thread_ts}, event_keys=event_keys
        )
    except RequestInvalid as error:
        metrics.REQUESTS.labels(entry, "invalid").inc()
        if deps.services.events.claim(*event_keys):
            reply = messages.EMPTY_REQUEST if not text.strip() else f":warning: {error}"
            with deps.services.db.session() as session:
                outbox.say(session, channel, reply, thread_ts)
            deps.nudge()
        return None
    if request is not None:
        metrics.REQUESTS.labels(entry, "queued").inc()
        log.info("request %s queued from a %s by %s", request.id, entry, user)
        deps.nudge()
    return request


def submit_in_dm(deps: SlackDeps, user: str, text: str, event_keys: tuple[str, ...]) -> str | None:
    """A /brandbot request: recorded now, its DM thread opened by the worker. Returns why it was refused."""
    try:
        request = deps.services.engine.submit(user, text, "slack", reply_to={"dm_user": user}, event_keys=event_keys)
    except RequestInvalid as error:
        metrics.REQUESTS.labels("command", "invalid").inc()
        return f":warning: {error}"
    if request is not None:
        metrics.REQUESTS.labels("command", "queued").inc()
        deps.nudge()
    return None


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
        news = RequestNews(deps, request.id, request.reply_to or {}, fresh=row.kind == Job.retry)
        if row.attempts > 1:
            news.say(messages.RESUMED)
        drafting = row.kind in Job.DRAFTING
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
    channel = deps.client.conversations_open(users=user)["channel"]["id"]
    root = deps.client.chat_postMessage(channel=channel, text=f"You asked: _{mrkdwn_escape(request.text)}_")
    deps.services.requests.set_reply_to(request.id, channel=channel, thread_ts=root["ts"])
    reopened = deps.services.requests.get_request(request.id)
    assert reopened is not None
    return reopened
