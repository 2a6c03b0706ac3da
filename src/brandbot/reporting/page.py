"""The report as one self-contained HTML page: the chart inlined as base64, the tables, every
text escaped (request texts and rule names are other people's words), nothing fetched."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from brandbot.reporting import display
from brandbot.reporting.figures import Figures, Report

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1240px; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
img { max-width: 100%; }
"""


def render(report: Report, png: bytes) -> str:
    title = f"Brand report, {display.period(report.since, report.until)}"
    chart = base64.b64encode(png).decode("ascii")
    sections = [
        f"<h1>{escape(title)}</h1>",
        _table(["Figure", "Value"], display.headlines(report.overall)),
        f'<img alt="{escape(display.CHART_DESCRIPTION)}" src="data:image/png;base64,{chart}">',
        "<h2>Per channel</h2>",
        _groups("Channel", report.by_channel),
        "<h2>Per format</h2>",
        _groups("Format", report.by_format),
        "<h2>Rules that fire most</h2>",
        _table(
            ["Rule", "Left for the approver", "Fixed automatically"],
            [(count.check, str(count.alerts), str(count.fixes)) for count in report.overall.rules],
        ),
        "<h2>Requests with the most change rounds</h2>",
        _table(
            ["Request", "Asked", "Format", "Change rounds", "Follow-ups", "Outcome"],
            [
                (
                    request.request_id,
                    request.text,
                    request.format,
                    str(request.change_rounds),
                    str(request.follow_ups),
                    request.outcome,
                )
                for request in report.most_revised
            ],
            text_column=1,
        ),
    ]
    body = "\n".join(sections)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _groups(label: str, groups: dict[str, Figures]) -> str:
    return _table([label, *display.GROUP_COLUMNS], [(name, *display.group_row(f)) for name, f in groups.items()])


def _table(header: list[str], rows: Sequence[tuple[str, ...]], text_column: int | None = None) -> str:
    if not rows:
        return "<p>None in this period.</p>"
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    lines = [
        "<tr>"
        + "".join(
            f'<td class="text">{escape(cell)}</td>' if index == text_column else f"<td>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    ]
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines) + "\n</tbody>\n</table>"
