""" "Check against brand" on a message: the check is queued before the ack and its answer goes to
the person's DM, where it stays (an ephemeral answer would need the bot in the channel, could
not be delivered again after a failure and is gone on reload); the channel only gets a private
note that it is on its way."""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk import WebClient

from brandbot.slack import text_checks
from brandbot.slack.blocks.limits import mrkdwn_unescape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, tell_privately_later
from brandbot.store.events import stored_key

CHECK_AGAINST_BRAND = "check_against_brand"
ON_ITS_WAY = ":mag: Checking that message against the brand rules; the result will be in our DM."


def check_message(deps: SlackDeps) -> Handler:
    def check_message(ack: Ack, shortcut: Payload, client: WebClient, logger: logging.Logger) -> None:
        user = (shortcut.get("user") or {}).get("id")
        if not user:
            logger.warning("ignored a message shortcut without a user")
            ack()
            return
        channel = (shortcut.get("channel") or {}).get("id")
        message = shortcut.get("message") or {}
        key = stored_key(f"text_check:shortcut:{shortcut.get('trigger_id') or message.get('ts')}:{user}")
        text = mrkdwn_unescape(str(message.get("text") or ""))
        refusal = text_checks.submit(deps, user, text, {"dm_user": user}, key)
        ack()
        if channel:
            tell_privately_later(deps, client, logger, channel, user, refusal or ON_ITS_WAY)

    return check_message
