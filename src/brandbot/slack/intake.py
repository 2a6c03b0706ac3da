"""Messages to brandbot (a DM, a mention, `/brandbot TEXT`): recorded as one intake row while
Slack waits for the ack; a worker classifies each and sends it where it belongs. Drafts and
rewrites become requests, drafted and sent for approval as before; questions and text to check
become `answer` and `text_check` rows, answered in the thread, never seen by an approver. Either
way the person can correct the reading with one click."""

from __future__ import annotations

import logging
from dataclasses import replace

from brandbot import metrics
from brandbot.slack import follow_ups
from brandbot.slack.assistant_context import viewing_channel
from brandbot.slack.blocks import intake as blocks
from brandbot.slack.blocks import messages
from brandbot.slack.deps import SlackDeps
from brandbot.slack.replies import open_dm_thread
from brandbot.store import intake as store
from brandbot.store import outbox, queue
from brandbot.store.budget import Charge, Kind, OverBudget
from brandbot.store.events import claim_in, once_only
from brandbot.store.models import WorkItem
from brandbot.store.outbox import Notice, notify
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import Handler
from brandbot.workflow.approvals import DecisionRefused, withdraw, withdrawn
from brandbot.workflow.engine import RequestInvalid
from brandbot.workflow.intent import Intent, classify
from brandbot.workflow.limits import too_long
from brandbot.workflow.reply_to import ReplyTo
from brandbot.workflow.text_check import TextInvalid, rewrite_request, rule_hits

log = logging.getLogger(__name__)


def receive(
    deps: SlackDeps, user: str, text: str, reply_to: ReplyTo, entry: str, event_keys: tuple[str, ...]
) -> str | None:
    """The ack path: the message's intake row, paid from the sender's questions budget (reading
    it may take the LLM, `store/budget.py`), or why not. A refusal is said in the thread (a
    mention, a DM) and returned (for the slash command's ack)."""
    text = text.strip()
    refusal = _refusal(deps, text)
    if refusal is not None:
        return _refuse(deps, reply_to, entry, event_keys, refusal, "invalid")
    payload = {"user": user, "text": text, "reply_to": reply_to.to_dict(), "entry": entry}
    try:
        key = store.record(
            deps.services.db, event_keys, payload, Charge.of(deps.services.settings, user, Kind.question)
        )
    except OverBudget as over:
        return _refuse(deps, reply_to, entry, event_keys, f":warning: {over}", "limited")
    if key is not None:
        metrics.REQUESTS.labels(entry, "received").inc()
        log.info("message %s from a %s by %s queued for intake", key, entry, user)
        deps.nudge()
    return None


def _refuse(
    deps: SlackDeps, reply_to: ReplyTo, entry: str, event_keys: tuple[str, ...], refusal: str, outcome: str
) -> str:
    """Said once in the thread, however often Slack delivers the message; returned for an ack."""
    metrics.REQUESTS.labels(entry, outcome).inc()
    if reply_to.threaded and deps.services.events.claim(*event_keys):
        channel, thread_ts = reply_to.where()
        with deps.services.db.session() as session:
            outbox.say(session, channel, refusal, thread_ts)
        deps.nudge()
    return refusal


def handler(deps: SlackDeps) -> Handler[WorkItem]:
    """Runs an intake row: classify, then route. The sender's note on their request in progress
    in the same thread is a follow-up (`follow_ups.take`); a plain channel reply that is not one is
    left alone; anything else is routed by what it asks for. Every write it makes is keyed by the
    row, so a row run twice (its worker stopped half way) routes the message once."""

    def run(row: WorkItem) -> None:
        payload = row.payload
        services = deps.services
        reply_to = ReplyTo.of(payload["reply_to"])
        noted = follow_ups.noted_request(deps, payload["user"], reply_to)
        llm = services.llm if services.settings.resolved_intent_model else None
        classified = classify(llm, payload["text"], on_draft=noted is not None)
        log.info("message %s read as %s (by the %s)", row.key, classified.intent, classified.source)
        if noted is not None and follow_ups.take(deps, noted, classified.intent, payload, row.key):
            return
        if payload["entry"] == follow_ups.CHANNEL_REPLY:
            return
        if payload["entry"] == "assistant":
            reply_to = _with_context(deps, reply_to)
        if classified.intent in (Intent.draft, Intent.rewrite):
            text = payload["text"]
            if classified.intent == Intent.rewrite:
                text = _rewrite(deps, classified.text or text)
            refusal = start_draft(deps, payload["user"], text, reply_to, f"routed:{row.key}")
            if refusal:
                _tell(deps, reply_to, refusal, f"refused:{row.key}")
            metrics.REQUESTS.labels(payload["entry"], "invalid" if refusal else "queued").inc()
            return
        reply_to = _threaded(deps, reply_to, payload["text"])
        kind = WorkKind.answer if classified.intent == Intent.question else WorkKind.text_check
        work = (
            {"question": payload["text"]} if kind == WorkKind.answer else {"text": classified.text or payload["text"]}
        )
        channel, thread_ts = reply_to.where()
        with deps.services.db.session() as session:
            queue.put(
                session,
                WorkItem,
                kind,
                f"{kind}:{row.key}",
                {"user": payload["user"], **work, "reply_to": reply_to.to_dict()},
            )
            notify(
                session,
                Notice.say,
                f"routed:{row.key}",
                channel=channel,
                thread_ts=thread_ts,
                **blocks.routed(classified.intent, row.key),
            )
        deps.nudge()

    def on_give_up(row: WorkItem, reason: str) -> None:
        _tell(deps, ReplyTo.of(row.payload["reply_to"]), blocks.GAVE_UP, f"gave_up:{row.key}")

    return Handler(run, on_give_up)


def start_draft(deps: SlackDeps, user: str, text: str, reply_to: ReplyTo, once: str) -> str | None:
    """A request drafted and sent for approval, once per `once`; returns why it was refused."""
    try:
        request = deps.services.engine.submit(
            user, text, "slack", reply_to=reply_to.to_dict(), event_keys=(once_only(once),)
        )
    except RequestInvalid as error:
        return f":warning: {error}"
    if request is not None:
        log.info("request %s queued by %s", request.id, user)
        deps.nudge()
    return None


def draft_instead(deps: SlackDeps, user: str, intake_key: str) -> str | None:
    """ "Draft it instead" on a message taken as a question or a check: the same text becomes a
    request, in the same thread. Returns what to tell the clicker, if anything."""
    row = deps.services.work.by_key(intake_key)
    if row is None or row.kind != WorkKind.intake:
        return ":information_source: I no longer have that message; send it to me again and say it's for a draft."
    if user != row.payload["user"]:
        return ":no_entry: Only the person who sent the message can change what I do with it."
    routed = deps.services.work.by_key(f"{WorkKind.answer}:{intake_key}") or deps.services.work.by_key(
        f"{WorkKind.text_check}:{intake_key}"
    )
    reply_to = routed.payload["reply_to"] if routed is not None else row.payload["reply_to"]
    try:
        request = deps.services.engine.submit(
            user, row.payload["text"], "slack", reply_to=reply_to, event_keys=(once_only(f"instead:{intake_key}"),)
        )
    except RequestInvalid as error:
        metrics.REQUESTS.labels("draft_instead", "invalid").inc()
        return f":warning: {error}"
    if request is None:
        return ":information_source: I'm drafting it already."
    metrics.REQUESTS.labels("draft_instead", "queued").inc()
    deps.nudge()
    return None


def just_answer(deps: SlackDeps, user: str, request_id: str) -> str | None:
    """ "Just answer" on a draft's progress message: the request is withdrawn (audited; a pending
    draft's card closes), then its text is queued as a question. Returns what to tell the clicker."""
    engine = deps.services.engine
    request = deps.services.requests.get_request(request_id)
    if request is None:
        return f":information_source: There is no request `{request_id}`."
    if user != request.requester:
        return ":no_entry: Only the person who asked can change what I do with their request."
    key = f"{WorkKind.answer}:instead:{request_id}"
    try:
        withdraw(engine, request_id, user)
    except DecisionRefused as error:
        if not withdrawn(engine, request_id):
            return f":information_source: {error}"
    reply_to = ReplyTo.of(request.reply_to)
    channel, thread_ts = reply_to.where()
    with deps.services.db.session() as session:
        if not claim_in(session, once_only(key)):
            return ":information_source: I'm answering it already."
        queue.put(
            session,
            WorkItem,
            WorkKind.answer,
            key,
            {"user": user, "question": request.text, "reply_to": reply_to.to_dict()},
        )
        notify(
            session,
            Notice.say,
            f"instead:{request_id}",
            channel=channel,
            thread_ts=thread_ts,
            text=blocks.answering_instead(),
        )
    deps.nudge()
    return None


def _rewrite(deps: SlackDeps, text: str) -> str:
    """A rewrite's request names what the brand rules flag in the text, as "Rewrite on-brand"
    after a check does; text the rules cannot take (too long) is left to the request's own limits."""
    try:
        hits, _ = rule_hits(text, deps.services.rules())
    except TextInvalid:
        hits = []
    return rewrite_request(text, None, hits)


def _with_context(deps: SlackDeps, reply_to: ReplyTo) -> ReplyTo:
    """From Slack's assistant panel: the channel the person is viewing goes with the work."""
    channel, thread_ts = reply_to.where()
    viewing = viewing_channel(deps.client, channel, thread_ts) if thread_ts else None
    return replace(reply_to, viewing_channel=viewing) if viewing else reply_to


def _refusal(deps: SlackDeps, text: str) -> str | None:
    if not text:
        return messages.EMPTY_REQUEST
    problem = too_long(text, deps.services.settings.max_request_chars, "message")
    return f":warning: {problem} Send a shorter one." if problem else None


def _threaded(deps: SlackDeps, reply_to: ReplyTo, text: str) -> ReplyTo:
    """A slash command's answer goes to a DM thread that starts with what was asked."""
    if reply_to.threaded or reply_to.dm_user is None:
        return reply_to
    return open_dm_thread(deps, reply_to.dm_user, text)


def _tell(deps: SlackDeps, reply_to: ReplyTo, text: str, key: str) -> None:
    channel, thread_ts = reply_to.where()
    with deps.services.db.session() as session:
        notify(session, Notice.say, key, channel=channel, thread_ts=thread_ts, text=text)
    deps.nudge()
