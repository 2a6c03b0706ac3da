""" "Request revision" on a re-check digest or in App Home: a new request, from the approved text
and what no longer holds, for the approver or admin who clicked; drafted in their DM like a
/brandbot request. One revision per finding, whoever clicks and however often: the request and
the finding's mark are written together."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from brandbot.slack.blocks.limits import mrkdwn_escape
from brandbot.slack.blocks.rechecks import parse_revision_value
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload, tell_privately_later, told_on_failure
from brandbot.store.rechecks import mark_revising
from brandbot.workflow.engine import RequestInvalid
from brandbot.workflow.rechecks import change_summary, revision_request

NOT_ALLOWED = ":lock: Only approvers and brandbot admins can request the revision of an approved text."


def request_revision(deps: SlackDeps) -> Handler:
    def request_revision(body: Payload, action: Payload, client: WebClient, logger: logging.Logger) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        with told_on_failure(client, logger, channel, user=user):
            reply = _start(deps, user, action["value"])
            if channel:
                tell_privately_later(deps, client, logger, channel, user, reply)

    return request_revision


def _start(deps: SlackDeps, user: str, value: str) -> str:
    if not deps.directory.is_approver(user) and not deps.directory.is_admin(user):
        return NOT_ALLOWED
    recheck_id, request_id = parse_revision_value(value)
    services = deps.services
    approved = services.requests.get_request(request_id)
    findings = [f for f in services.rechecker.store.findings(recheck_id) if f.request_id == request_id]
    if approved is None or not approved.final_text or not findings:
        return f"There is no re-check finding for {mrkdwn_escape(request_id)}."
    if revising := findings[0].revision_request_id:
        return f":information_source: A revision of `{mrkdwn_escape(request_id)}` was already requested: `{revising}`."
    text = revision_request(
        approved.final_text,
        (approved.brief or {}).get("format"),
        [change_summary(finding.kind, finding.detail) for finding in findings],
    )
    try:
        created = services.engine.submit(
            user,
            text,
            "slack",
            reply_to={"dm_user": user},
            along=lambda session, revision_id: mark_revising(session, recheck_id, request_id, revision_id),
        )
    except RequestInvalid as error:
        return f":warning: {mrkdwn_escape(str(error))}"
    if created is None:
        return f":information_source: A revision of `{mrkdwn_escape(request_id)}` was already requested."
    deps.nudge()
    return f":pencil2: Revision of `{mrkdwn_escape(request_id)}` requested as `{created.id}`; I'll draft it in our DM."
