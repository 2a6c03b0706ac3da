"""Check my text in Slack: a message shortcut, `/brandbot check TEXT` and a DM queue a
"text_check" work row while Slack waits for the ack; a worker runs the check and posts the
answer through the outbox to where it was asked (a DM for the shortcut and the command, which
stays and can be re-delivered, unlike an ephemeral message). "Rewrite on-brand" on the answer
starts an ordinary draft request from the text, which goes to approval like any draft, once
per check however often it is clicked."""

from __future__ import annotations

import logging
from typing import Any

from brandbot.slack.blocks import text_checks as blocks
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.replies import destination
from brandbot.store import outbox, queue
from brandbot.store.events import once_only
from brandbot.store.models import WorkItem
from brandbot.store.outbox import Notice
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import Handler
from brandbot.workflow.engine import RequestInvalid
from brandbot.workflow.reply_to import ReplyTo
from brandbot.workflow.text_check import TextInvalid, check_text, parse, rewrite_request, rule_hits

log = logging.getLogger(__name__)
REWRITE_TOLD = "rewrite"
"""The role of the message that confirms a rewrite: its outbox row (kept well past the check's own
row) is also what tells a later click that the rewrite was already requested."""


def submit(deps: SlackDeps, user: str, text: str, reply_to: dict[str, Any], key: str) -> str | None:
    """The ack path: the check's work row (once per `key`), or why the text can't be checked."""
    try:
        parse(text)
    except TextInvalid as error:
        return blocks.refused(str(error))
    with deps.services.db.session() as session:
        queue.put(session, WorkItem, WorkKind.text_check, key, {"user": user, "text": text, "reply_to": reply_to})
    deps.nudge()
    return None


def handler(deps: SlackDeps) -> Handler[WorkItem]:
    """Runs a check with the rules current now; the answer's outbox key follows the row's, so a
    row run twice answers once."""
    services = deps.services

    def run(row: WorkItem) -> None:
        try:
            fmt, text = parse(row.payload["text"])
            checked = check_text(text, services.rules(), services.knowledge_base, fmt)
            message = blocks.result(checked, row.key)
        except TextInvalid as error:
            message = {"text": blocks.refused(str(error))}
        _answer(deps, row, "result", message)

    def on_give_up(row: WorkItem, reason: str) -> None:
        text = f":x: I could not check your text ({mrkdwn_escape(reason)}). Please try again in a minute."
        _answer(deps, row, "failed", {"text": text})

    return Handler(run, on_give_up)


def rewrite(deps: SlackDeps, user: str, check_key: str, channel: str | None) -> str | None:
    """A click on Rewrite on-brand: a draft request in the clicker's DM, confirmed in `channel`;
    otherwise the reason it was not started (already requested, not theirs, gone)."""
    services = deps.services
    row = services.work.by_key(check_key)
    if row is None or row.kind != WorkKind.text_check:
        return "That check is no longer kept; run it again to have the text rewritten."
    if row.payload.get("user") != user:
        return ":no_entry: Only the person who asked for this check can have its text rewritten."
    told = services.outbox.by_key(f"{Notice.say.value}:{check_key}:{REWRITE_TOLD}")
    if told is not None:
        return _already(told.request_id)
    try:
        fmt, text = parse(row.payload["text"])
        hits, _ = rule_hits(text, services.rules(), fmt)
        created = services.engine.submit(
            user,
            rewrite_request(text, fmt, hits),
            "slack",
            reply_to={"dm_user": user},
            event_keys=(once_only(f"text_rewrite:{check_key}"),),
        )
    except (TextInvalid, RequestInvalid) as error:
        return f":warning: {mrkdwn_escape(str(error))}"
    if created is None:
        return _already(None)
    log.info("request %s queued to rewrite %s", created.id, check_key)
    if channel:
        text = f":pencil2: Rewrite requested as `{created.id}`: I'll draft it in our DM and send it for approval."
        with services.db.session() as session:
            outbox.notify(
                session, Notice.say, f"{check_key}:{REWRITE_TOLD}", request_id=created.id, channel=channel, text=text
            )
    deps.nudge()
    return None


def _already(request_id: str | None) -> str:
    which = f" as `{mrkdwn_escape(request_id)}`" if request_id else ""
    return f":information_source: This text's rewrite was already requested{which}."


def _answer(deps: SlackDeps, row: WorkItem, role: str, message: dict[str, Any]) -> None:
    """Through the outbox, to the thread it was asked in or the person's DM."""
    channel, thread_ts = destination(deps, ReplyTo.of(row.payload["reply_to"]))
    with deps.services.db.session() as session:
        outbox.notify(session, Notice.say, f"{row.key}:{role}", channel=channel, thread_ts=thread_ts, **message)
    deps.nudge()
