"""Adopt or dismiss a rule proposal from `/brandbot proposals`; admins only."""

from __future__ import annotations

import logging

from slack_bolt import Respond

from brandbot.rulebook import proposals as learned
from brandbot.rules import RuleLoadError
from brandbot.slack.blocks import proposals
from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload


def decide_proposal(deps: SlackDeps) -> Handler:
    def decide_proposal(body: Payload, action: Payload, respond: Respond, logger: logging.Logger) -> None:
        user, value = body["user"]["id"], str(action.get("value") or "")
        if not deps.directory.is_admin(user):
            respond(text=":lock: Only brandbot admins can adopt or dismiss rule proposals.", replace_original=False)
            return
        if not value.isdigit():
            respond(text=f":information_source: No rule proposal {mrkdwn_escape(value)}.", replace_original=False)
            return
        services = deps.services
        try:
            if action["action_id"] == proposals.ADOPT:
                adopted = learned.adopt(services.settings, services.db, int(value), user)
                done = (
                    f":white_check_mark: Adopted as `{mrkdwn_escape(adopted.rule_id or '')}`: "
                    "every new draft is checked against it."
                )
            else:
                learned.dismiss(services.db, int(value), user)
                done = ":wastebasket: Dismissed: that change won't be proposed again."
        except (LookupError, ValueError, RuleLoadError) as error:
            respond(text=f":information_source: {mrkdwn_escape(str(error))}", replace_original=False)
            return
        logger.info("rule proposal %s: %s by %s", value, action["action_id"], user)
        respond(text=done, blocks=proposals.proposal_list(learned.waiting(services.db), done), replace_original=True)

    return decide_proposal
