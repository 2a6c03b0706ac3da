"""Requests from a mention, a DM or /brandbot: recorded and queued while Slack waits for the
ack, drafted by whichever replica's worker claims the work, with progress in the thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot import metrics
from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.notices import delete_quietly
from brandbot.store import outbox
from brandbot.store.models import Request, WorkItem
from brandbot.store.requests import Job
from brandbot.workers import Handler
from brandbot.workflow.engine import Progress, RequestInvalid

log = logging.getLogger(__name__)


def submit(
    deps: SlackDeps, user: str, text: str, channel: str, thread_ts: str, entry: str, event_keys: tuple[str, ...]
) -> None:
    """The ack path: the request and its work row in one transaction, or a reply saying why not."""
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
        return
    if request is not None:
        metrics.REQUESTS.labels(entry, "queued").inc()
        log.info("request %s queued from a %s by %s", request.id, entry, user)
        deps.nudge()


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
    replica says so. All of it best effort: the drafting never waits on it."""
    engine = deps.services.engine

    def run(row: WorkItem) -> None:
        request = deps.services.requests.get_request(str(row.request_id))
        if request is None or not request.reply_to:
            engine.handler().run(row)
            return
        if "dm_user" in request.reply_to and "channel" not in request.reply_to:
            request = _open_dm_thread(deps, request)
        reply_to = request.reply_to or {}
        if row.attempts > 1:
            _best_effort(deps.client, reply_to, messages.RESUMED)
        drafting = row.kind in Job.DRAFTING
        on_progress = _progress(deps, request.id, reply_to, fresh=row.kind == Job.retry) if drafting else None
        _set_status(deps.client, reply_to, "is drafting...")
        try:
            engine.handler(on_progress).run(row)
        finally:
            _set_status(deps.client, reply_to, "")

    return Handler(run, engine.handler().on_give_up)


def _progress(deps: SlackDeps, request_id: str, reply_to: dict[str, Any], *, fresh: bool) -> Progress | None:
    """Edits the request's progress message: the "queued" one if the courier posted it, else one
    posted now; a retry always gets a new one."""
    posted = None
    status_ts = None if fresh else reply_to.get("status_ts")
    if status_ts is None:
        posted = _best_effort(deps.client, reply_to, messages.progress({}))
        if posted is None:
            return None
        status_ts = _keep_status_message(deps, request_id, reply_to["channel"], posted, replace=fresh)
    update = _progress_updater(deps.client, reply_to["channel"], status_ts)
    if status_ts != posted:
        update({})
    return update


def _keep_status_message(deps: SlackDeps, request_id: str, channel: str, ts: str, *, replace: bool) -> str:
    """The courier may have posted the "queued" message meanwhile: the first one posted is kept."""
    if replace:
        deps.services.requests.set_reply_to(request_id, status_ts=ts)
        return ts
    kept = deps.services.requests.claim_status_message(request_id, ts) or ts
    if kept != ts:
        delete_quietly(deps.client, channel, ts)
    return kept


def _open_dm_thread(deps: SlackDeps, request: Request) -> Request:
    """A slash command's request continues in a DM thread that starts with what was asked."""
    user = (request.reply_to or {})["dm_user"]
    channel = deps.client.conversations_open(users=user)["channel"]["id"]
    root = deps.client.chat_postMessage(channel=channel, text=f"You asked: _{mrkdwn_escape(request.text)}_")
    deps.services.requests.set_reply_to(request.id, channel=channel, thread_ts=root["ts"])
    reopened = deps.services.requests.get_request(request.id)
    assert reopened is not None
    return reopened


def _best_effort(client: WebClient, reply_to: dict[str, Any], text: str) -> str | None:
    """A message about progress: if Slack refuses it, the drafting goes on without it."""
    try:
        response = client.chat_postMessage(channel=reply_to["channel"], thread_ts=reply_to.get("thread_ts"), text=text)
    except SlackApiError as error:
        log.warning("progress message skipped: %s", error.response.get("error"))
        return None
    return str(response["ts"])


def _progress_updater(client: WebClient, channel: str, ts: str) -> Progress:
    """Edits one status message in place as the workflow moves on. Best effort: a failed edit
    (the message was deleted) is logged and the drafting goes on."""

    def update(event: dict[str, Any]) -> None:
        try:
            client.chat_update(channel=channel, ts=ts, text=messages.progress(event))
        except SlackApiError as error:
            log.warning("progress update skipped: %s", error.response.get("error"))

    return update


def _set_status(client: WebClient, reply_to: dict[str, Any], status: str) -> None:
    """The assistant 'is drafting...' line exists only in assistant threads; elsewhere it is skipped."""
    if not reply_to.get("thread_ts"):
        return
    try:
        client.assistant_threads_setStatus(
            channel_id=reply_to["channel"], thread_ts=reply_to["thread_ts"], status=status
        )
    except SlackApiError as error:
        log.debug("assistant.threads.setStatus unavailable here: %s", error.response.get("error"))
