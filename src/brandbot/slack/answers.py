"""Guideline questions in Slack: the "answer" work row's handler, which answers, records the
answer and queues its message in one transaction, and what the answer's buttons do."""

from __future__ import annotations

import logging
from typing import Any

from brandbot.slack.blocks import answers as blocks
from brandbot.slack.blocks import messages
from brandbot.slack.deps import SlackDeps
from brandbot.slack.replies import destination
from brandbot.store import answers as store
from brandbot.store import audit, outbox, queue
from brandbot.store.budget import Charge, Kind, OverBudget
from brandbot.store.models import WorkItem
from brandbot.store.outbox import Notice
from brandbot.store.work_kinds import WorkKind
from brandbot.workers import Handler
from brandbot.workflow.answers import EmptyQuestion, answer_question
from brandbot.workflow.reply_to import ReplyTo

log = logging.getLogger(__name__)


def queue_question(deps: SlackDeps, key: str, user: str, question: str, reply_to: dict[str, Any]) -> str | None:
    """One "answer" row per key, paid from the asker's questions budget: a question delivered
    twice is answered and paid for once. Returns why it was refused, if it was."""
    payload = {"user": user, "question": question, "reply_to": reply_to}
    try:
        with deps.services.db.session() as session:
            if queue.put(session, WorkItem, WorkKind.answer, key, payload):
                Charge.of(deps.services.settings, user, Kind.question).take(session)
    except OverBudget as over:
        return f":warning: {over}"
    deps.nudge()
    return None


def handler(deps: SlackDeps) -> Handler[WorkItem]:
    services = deps.services

    def run(row: WorkItem) -> None:
        """An answer already recorded under the row's key had its message queued with it."""
        if store.by_key(services.db, row.key) is not None:
            return
        user, question, reply_to = row.payload["user"], row.payload["question"], row.payload["reply_to"]
        channel, thread_ts = destination(deps, ReplyTo.of(reply_to))
        try:
            answered = answer_question(services.settings, services.knowledge_base.search, services.llm, question)
        except EmptyQuestion:
            with services.db.session() as session:
                outbox.notify(
                    session,
                    Notice.say,
                    f"{row.key}:empty",
                    channel=channel,
                    thread_ts=thread_ts,
                    text=messages.EMPTY_QUESTION,
                )
            deps.nudge()
            return
        recorded = answered.to_dict()
        with services.db.session() as session:
            answer_id = store.add(session, row.key, user, recorded, reply_to)
            message = blocks.answer_message(
                answer_id,
                answered.question,
                answered.covered,
                answered.answer,
                recorded["citations"],
                show_question=thread_ts is None,
                quoted=answered.quoted,
            )
            outbox.say(session, channel, message["text"], thread_ts, blocks=message["blocks"])
        log.info(
            "answered %s for %s: %s in %.0f ms",
            row.key,
            user,
            ("quoted" if answered.quoted else "covered") if answered.covered else answered.reason,
            answered.timings.total_ms,
        )
        deps.nudge()

    def on_give_up(row: WorkItem, reason: str) -> None:
        channel, thread_ts = destination(deps, ReplyTo.of(row.payload["reply_to"]))
        deps.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=f":x: I could not answer your question ({reason}). Please ask again.",
        )

    return Handler(run, on_give_up)


def forward(deps: SlackDeps, answer_id: int, user: str) -> str:
    """Queues the question to every admin's DM, once per answer, and audits it; returns what to tell the clicker."""
    record = store.get(deps.services.db, answer_id)
    if record is None:
        return f":information_source: There is no answer {answer_id}."
    if user != record.asker:
        return ":no_entry: Only the person who asked can forward this question."
    admins = deps.services.settings.admins
    if not admins:
        return ":warning: No brandbot admins are configured, so there is nobody to forward it to."
    message = blocks.forwarded_question(record.asker, record.question, answer_id)
    with deps.services.db.session() as session:
        for admin in admins:
            key = f"answer-forward:{answer_id}:{admin}"
            outbox.notify(session, Notice.say, key, channel=admin, thread_ts=None, **message)
        audit.record(session, user, "answer.forwarded", answer_id=answer_id, admins=list(admins))
    deps.nudge()
    return ":incoming_envelope: Forwarded to the brandbot admins. One of them will get back to you."
