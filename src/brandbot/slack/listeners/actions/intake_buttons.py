""" "Draft it instead" and "Just answer": the person who sent a message corrects what brandbot
made of it. The click records the new work before the ack; a second click changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import intake
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, malformed, tell_privately_later


def draft_instead_clicked(deps: SlackDeps) -> Handler:
    return _correction(deps, intake.draft_instead)


def just_answer_clicked(deps: SlackDeps) -> Handler:
    return _correction(deps, intake.just_answer)


def _correction(deps: SlackDeps, correct: Callable[[SlackDeps, str, str], str | None]) -> Handler:
    def correction_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user = (body.get("user") or {}).get("id")
        if not isinstance(user, str) or not user or malformed(action, "value"):
            ack()
            return
        refusal = correct(deps, user, action["value"])
        ack()
        channel = (body.get("channel") or {}).get("id")
        if refusal and channel:
            tell_privately_later(deps, client, logger, channel, user, refusal)

    return correction_clicked
