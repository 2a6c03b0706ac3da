"""The report as one PNG: outcomes, compliance and time to decision per channel, and the rules
that fire most. Drawn on matplotlib's Agg canvas through its object API, never pyplot: no
display, and no global figure state shared by the bot's threads."""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from brandbot.reporting import display
from brandbot.reporting.figures import Figures, Report

WIDTH_IN, HEIGHT_IN, DPI = 12.0, 8.0, 100
"""1200 x 800 pixels: readable in App Home and on a page."""
TOP_RULES = 8
OUTCOME_COLOURS = {"approved": "#2e7d32", "rejected": "#c62828", "expired": "#9e9e9e", "open": "#90caf9"}


def render(report: Report) -> bytes:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    overall = report.overall
    title = f"Brand report, {display.period(report.since, report.until)}"
    if overall.requests:
        figure.suptitle(
            f"{title}: {overall.requests} requests, approval {display.percent(overall.approval_rate)}, "
            f"{display.number(overall.change_rounds_per_request)} change rounds per request",
            fontsize=13,
        )
        (outcomes, compliance), (timing, rules) = figure.subplots(2, 2)
        channels = list(report.by_channel.items())
        _outcomes(outcomes, channels)
        _compliance(compliance, channels)
        _timing(timing, channels)
        _rules(rules, overall)
    else:
        figure.suptitle(title, fontsize=13)
        figure.text(0.5, 0.5, "No requests in this period", ha="center", va="center", fontsize=16)
    png = io.BytesIO()
    figure.savefig(png, format="png")
    return png.getvalue()


def _outcomes(axes: Axes, channels: list[tuple[str, Figures]]) -> None:
    names = [_plain(name) for name, _ in channels]
    bottom = [0] * len(channels)
    for outcome, colour in OUTCOME_COLOURS.items():
        counts = [getattr(figures, outcome) for _, figures in channels]
        axes.bar(names, counts, bottom=bottom, color=colour, label=outcome)
        bottom = [below + count for below, count in zip(bottom, counts, strict=True)]
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Requests by channel")
    axes.legend(fontsize=8)


def _compliance(axes: Axes, channels: list[tuple[str, Figures]]) -> None:
    positions = range(len(channels))
    before = [100 * (figures.compliant_before_fixes or 0) for _, figures in channels]
    after = [100 * (figures.compliant_after_fixes or 0) for _, figures in channels]
    axes.bar([p - 0.2 for p in positions], before, width=0.4, color="#ffb74d", label="before automatic fixes")
    axes.bar([p + 0.2 for p in positions], after, width=0.4, color="#1565c0", label="after")
    axes.set_xticks(list(positions), [_plain(name) for name, _ in channels])
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of drafts with no error-level alert")
    axes.set_xlabel("before: as the model wrote them; after: fixed and revised automatically")
    axes.set_title("Compliance")
    axes.legend(fontsize=8)


def _timing(axes: Axes, channels: list[tuple[str, Figures]]) -> None:
    positions = range(len(channels))
    median = [(figures.time_to_decision_median_s or 0) / 3600 for _, figures in channels]
    p90 = [(figures.time_to_decision_p90_s or 0) / 3600 for _, figures in channels]
    axes.bar([p - 0.2 for p in positions], median, width=0.4, color="#7e57c2", label="median")
    axes.bar([p + 0.2 for p in positions], p90, width=0.4, color="#d1c4e9", label="90th percentile")
    axes.set_xticks(list(positions), [_plain(name) for name, _ in channels])
    axes.set_ylabel("hours")
    axes.set_title("Time to decision")
    axes.legend(fontsize=8)


def _rules(axes: Axes, overall: Figures) -> None:
    top = list(reversed(overall.rules[:TOP_RULES]))
    axes.set_title("Rules that fire most")
    if not top:
        axes.text(0.5, 0.5, "No rule fired", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    names = [_plain(count.check) for count in top]
    fixes = [count.fixes for count in top]
    axes.barh(names, fixes, color="#ffb74d", label="fixed automatically")
    axes.barh(names, [count.alerts for count in top], left=fixes, color="#c62828", label="left for the approver")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("times, on the latest drafts")
    axes.legend(fontsize=8)


def _plain(text: str) -> str:
    """Shown as written: a `$` would start matplotlib's math notation."""
    return text.replace("$", r"\$")
