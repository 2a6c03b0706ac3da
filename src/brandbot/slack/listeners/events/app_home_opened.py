"""App Home: the person's recent requests, for approvers the queue of drafts awaiting them, and for
approvers and admins the latest re-check's open findings and how the brand is doing (figures and
chart, made at most once an hour)."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brandbot.slack.blocks import rechecks
from brandbot.slack.blocks.home import home_view
from brandbot.slack.deps import SlackDeps
from brandbot.slack.home_report import HourlyReport
from brandbot.slack.listeners.common import Handler, Payload
from brandbot.slack.notices import permalink
from brandbot.store.views import draft_view


def publish_home(deps: SlackDeps) -> Handler:
    reports = HourlyReport(deps)

    def publish_home(event: Payload, client: WebClient, logger: logging.Logger) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        requests = deps.services.requests
        mine = [
            draft_view(requests, request, requests.latest_draft(request.id))
            for request in requests.list_requests(requester=user, limit=15)
        ]
        queue = None
        approver = deps.directory.is_approver(user)
        if approver:
            queue = []
            for draft in requests.pending_drafts()[:30]:
                request = requests.get_request(draft.request_id)
                if request is None or request.requester == user:
                    continue
                link = permalink(client, draft.card["channel"], draft.card["ts"]) if draft.card else None
                queue.append((draft_view(requests, request, draft), link))
        governs = approver or deps.directory.is_admin(user)
        report = reports.current() if governs else None
        rechecked = open_rechecks(deps) if governs else None
        try:
            client.views_publish(user_id=user, view=home_view(mine, queue, report, rechecked))
        except SlackApiError as error:
            if report is None or report.chart_file is None or error.response.get("error") != "invalid_blocks":
                raise
            # Slack refuses a chart it has not finished processing, or one deleted since: the
            # figures still go out, and the next open tries the chart again.
            logger.warning("App Home chart refused (%s); published without it", error.response.get("errors"))
            without_chart = dataclasses.replace(report, chart_file=None)
            client.views_publish(user_id=user, view=home_view(mine, queue, without_chart, rechecked))

    return publish_home


def open_rechecks(deps: SlackDeps) -> list[dict[str, Any]] | None:
    """The latest re-check's texts still to revise, as App Home blocks; None when there are none."""
    store = deps.services.rechecker.store
    recheck = store.latest_open()
    if recheck is None:
        return None
    findings = store.findings(recheck.id, open_only=True)
    return rechecks.home_blocks(recheck, findings, store.asked(findings))
