"""How the figures read to people, the same in the terminal, the HTML page, the chart and App Home."""

from __future__ import annotations

from datetime import datetime, timedelta

from brandbot.reporting.figures import Figures

NONE = "n/a"
"""A figure with nothing to count (no decision yet, no draft)."""
CHART_DESCRIPTION = "Chart of requests, compliance, time to decision and the rules that fire most, per channel"


def percent(share: float | None) -> str:
    return NONE if share is None else f"{share * 100:.1f}%"


def number(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def duration(seconds: float | None) -> str:
    """Minutes under an hour, hours under two days, else days: the unit people think in."""
    if seconds is None:
        return NONE
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def headlines(figures: Figures) -> list[tuple[str, str]]:
    """(label, value) for the figures a reader wants first."""
    decided = figures.approved + figures.rejected
    return [
        ("Requests", str(figures.requests)),
        ("Approval rate", f"{percent(figures.approval_rate)} ({figures.approved} of {decided} decided)"),
        ("Changes requested", changes_requested(figures)),
        ("Change rounds per request", number(figures.change_rounds_per_request)),
        (
            "Time to decision",
            f"median {duration(figures.time_to_decision_median_s)}, p90 {duration(figures.time_to_decision_p90_s)}",
        ),
        ("Compliant before automatic fixes", percent(figures.compliant_before_fixes)),
        ("Compliant after automatic fixes", percent(figures.compliant_after_fixes)),
    ]


def changes_requested(figures: Figures) -> str:
    """Approvers' change requests and requesters' own follow-ups, told apart."""
    return f"{figures.change_rounds} by approvers, {figures.follow_ups} by requesters' follow-ups"


GROUP_COLUMNS = (
    "Requests",
    "Approved",
    "Rejected",
    "Expired",
    "Approval rate",
    "Rounds/req",
    "Follow-ups",
    "Median to decision",
    "p90 to decision",
    "Compliant before",
    "Compliant after",
)


def group_row(figures: Figures) -> list[str]:
    """One group's figures in the order of GROUP_COLUMNS."""
    return [
        str(figures.requests),
        f"{figures.approved} ({figures.edited} edited)" if figures.edited else str(figures.approved),
        str(figures.rejected),
        str(figures.expired),
        percent(figures.approval_rate),
        number(figures.change_rounds_per_request),
        str(figures.follow_ups),
        duration(figures.time_to_decision_median_s),
        duration(figures.time_to_decision_p90_s),
        percent(figures.compliant_before_fixes),
        percent(figures.compliant_after_fixes),
    ]


def period(since: datetime, until: datetime) -> str:
    """The days a report covers, both inclusive (`until` itself is the first moment left out)."""
    last = until - timedelta(microseconds=1)
    return f"{since:%Y-%m-%d} to {last:%Y-%m-%d}"
