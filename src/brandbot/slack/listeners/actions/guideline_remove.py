"""Remove a guideline from the /brandbot guidelines list; admins only."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload


def remove_guideline(deps: SlackDeps) -> Handler:
    def remove_guideline(
        body: Payload, action: Payload, respond: Respond, client: WebClient, logger: logging.Logger
    ) -> None:
        user, doc_id = body["user"]["id"], action["value"]
        if not deps.directory.is_admin(user):
            respond(text=":lock: Only brandbot admins can remove guideline documents.", replace_original=False)
            return
        removed = deps.services.knowledge_base.remove(doc_id, user)
        if removed is None:
            respond(text=f"`{mrkdwn_escape(doc_id)}` was already removed.", replace_original=False)
            return
        logger.info("guideline %s removed by %s", doc_id, user)
        respond(
            text=f":wastebasket: Removed *{mrkdwn_escape(removed.title)}* (`{mrkdwn_escape(doc_id)}`). "
            "Drafts no longer cite it.",
            replace_original=False,
        )

    return remove_guideline
