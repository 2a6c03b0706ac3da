"""App Home: a person's own recent requests; approvers also see the queue of pending drafts, and
approvers and admins the approved texts that no longer hold and how the brand is doing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brandbot.reporting import display
from brandbot.slack.blocks.limits import mrkdwn_escape, truncate
from brandbot.store.status import RequestStatus
from brandbot.store.views import DraftView

if TYPE_CHECKING:
    from brandbot.slack.home_report import HomeReport

STATUS_EMOJI: dict[str, str] = {
    RequestStatus.awaiting_review: ":hourglass_flowing_sand:",
    RequestStatus.approved: ":white_check_mark:",
    RequestStatus.rejected: ":x:",
    RequestStatus.expired: ":hourglass:",
    RequestStatus.failed: ":warning:",
    RequestStatus.refused: ":no_entry:",
    RequestStatus.drafting: ":pencil2:",
    RequestStatus.received: ":inbox_tray:",
    RequestStatus.withdrawn: ":leftwards_arrow_with_hook:",
}


HOME_RULES = 3
"""Rules named in App Home; the report names them all."""


def home_view(
    my_requests: list[DraftView],
    queue: list[tuple[DraftView, str | None]] | None,
    report: HomeReport | None = None,
    rechecked: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`queue` is None for people who don't approve; each entry is (draft view, permalink).
    `report` and `rechecked` (re-check blocks) are None for people who neither approve nor administer."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your requests"}},
    ]
    if not my_requests:
        blocks.append(_text("Nothing yet. Mention me or send me a message with what you need drafted."))
    for view in my_requests[:15]:
        status = view.request_status
        blocks.append(
            _text(
                f"{STATUS_EMOJI.get(status, '•')} *{status.replace('_', ' ')}* · "
                f"{mrkdwn_escape(truncate(view.request, 140))} · `{view.request_id}`"
            )
        )
    if queue is not None:
        blocks.append({"type": "divider"})
        blocks.append(
            {"type": "header", "text": {"type": "plain_text", "text": f"Awaiting your review ({len(queue)})"}}
        )
        if not queue:
            blocks.append(_text("No drafts are waiting. :tada:"))
        for view, permalink in queue[:30]:
            link = f"<{permalink}|open>" if permalink else f"`{view.draft_id}`"
            blocks.append(_text(f"• {mrkdwn_escape(truncate(view.request, 140))} · revision {view.revision} · {link}"))
    if rechecked:
        blocks += rechecked
    if report is not None:
        blocks += report_blocks(report)
    return {"type": "home", "blocks": blocks[:100]}


def report_blocks(home: HomeReport) -> list[dict[str, Any]]:
    """The headline figures of the period, the rules that fire most, and the chart when there is one."""
    report = home.report
    fields = [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in display.headlines(report.overall)]
    rules = " · ".join(f"`{mrkdwn_escape(count.check)}` {count.total}" for count in report.overall.rules[:HOME_RULES])
    period = display.period(report.since, report.until)
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "How the brand is doing (last 30 days)"}},
        {"type": "section", "fields": fields},
        _text(f"*Rules that fire most:* {rules or 'none fired'}"),
    ]
    if home.chart_file:
        blocks.append(
            {
                "type": "image",
                "slack_file": {"id": home.chart_file},
                "alt_text": display.CHART_DESCRIPTION,
                "title": {"type": "plain_text", "text": f"Brand report, {period}"},
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"{period}, as of {home.made_at:%H:%M} UTC (hourly). "
                    "Per format and channel: `brandbot report --since DATE`.",
                }
            ],
        }
    )
    return blocks


def _text(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
