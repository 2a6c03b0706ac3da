"""Helpful / Not right on an answer (anyone who sees it, one verdict each, the latest kept) and
Forward to an admin on a "not covered" (the asker only). Acked first; the clicker alone hears back."""

from __future__ import annotations

import logging

from slack_bolt import Respond

from brandbot.slack import answers
from brandbot.slack.blocks import answers as blocks
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload
from brandbot.store import answers as store

THANKS = {
    store.Verdict.helpful: ":thumbsup: Thanks, recorded as helpful.",
    store.Verdict.not_right: ":memo: Thanks, recorded as not right: the brandbot admins review these.",
}


def give_feedback(deps: SlackDeps) -> Handler:
    def give_feedback(body: Payload, action: Payload, respond: Respond, logger: logging.Logger) -> None:
        user, answer_id = body["user"]["id"], _answer_id(action)
        verdict = store.Verdict.helpful if action["action_id"] == blocks.HELPFUL else store.Verdict.not_right
        if answer_id is None or not store.give_feedback(deps.services.db, answer_id, user, verdict):
            respond(text=":information_source: That answer is no longer on record.", replace_original=False)
            return
        logger.info("answer %s rated %s by %s", answer_id, verdict, user)
        respond(text=THANKS[verdict], replace_original=False)

    return give_feedback


def forward_question(deps: SlackDeps) -> Handler:
    def forward_question(body: Payload, action: Payload, respond: Respond) -> None:
        answer_id = _answer_id(action)
        told = (
            answers.forward(deps, answer_id, body["user"]["id"])
            if answer_id is not None
            else ":information_source: That answer is no longer on record."
        )
        respond(text=told, replace_original=False)

    return forward_question


def _answer_id(action: Payload) -> int | None:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None
