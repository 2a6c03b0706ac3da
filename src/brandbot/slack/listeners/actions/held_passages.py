"""Release or discard a guideline passage held at ingest; admins only."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient

from brandbot.slack.blocks import messages
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload


def decide_held(deps: SlackDeps) -> Handler:
    def decide_held(
        body: Payload, action: Payload, respond: Respond, client: WebClient, logger: logging.Logger
    ) -> None:
        user, chunk_id = body["user"]["id"], str(action.get("value") or "")

        def tell(text: str) -> None:
            """Under the list clicked in; a click from a view (App Home) has no message to answer
            under (no response_url), so in the person's DM with the bot."""
            if body.get("response_url"):
                respond(text=text, replace_original=False)
            else:
                client.chat_postMessage(channel=user, text=text)

        if not deps.directory.is_admin(user):
            tell(":lock: Only brandbot admins can release or discard held passages.")
            return
        knowledge_base = deps.services.knowledge_base
        try:
            if action["action_id"] == messages.RELEASE_HELD:
                knowledge_base.release(chunk_id, user)
                done = ":white_check_mark: Released: drafts can now draw on that passage."
            else:
                knowledge_base.delete_held(chunk_id, user)
                done = ":wastebasket: Discarded: that passage will never be searched."
        except LookupError as error:
            tell(f":information_source: {mrkdwn_escape(str(error))}")
            return
        logger.info("held passage %s: %s by %s", chunk_id, action["action_id"], user)
        if body.get("response_url"):
            respond(text=done, blocks=messages.held_passages(knowledge_base.quarantine.held()), replace_original=True)
        else:
            tell(done)

    return decide_held
