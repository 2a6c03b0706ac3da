"""`brandbot report`: how the brand is doing over a period: tables for people, JSON for scripts,
a PNG chart and a self-contained HTML page to pass around."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from brandbot.cli.context import database
from brandbot.cli.output import Output, OutputOption, console, fail, print_json, table

if TYPE_CHECKING:
    from brandbot.reporting.figures import Report


def report(
    since: str = typer.Option(..., "--since", help="First day counted, YYYY-MM-DD (UTC), by when requests were made."),
    until: str | None = typer.Option(None, "--until", help="Last day counted, YYYY-MM-DD (UTC); default: up to now."),
    png: Path | None = typer.Option(None, "--png", help="Write the chart to this PNG file."),
    html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML page (chart and tables) here."),
    output: Output = OutputOption,
) -> None:
    """Requests, approval rate, change rounds, time to decision, the rules that fire most and
    compliance before and after automatic fixes: overall, per channel and per format."""
    from brandbot.reporting import figures, history
    from brandbot.store.models import utcnow

    start = moment(since, "--since")
    end = moment(until, "--until", end_of_day=True) if until is not None else utcnow()
    if end <= start:
        fail(f"--since {since} is not before {f'--until {until}' if until else 'now'}: nothing to count.")
    with database() as (_, db):
        made = figures.report(history.load(db, start, end), start, end)
    written = _write(made, png, html)
    if output is Output.json:
        print_json(made.to_dict())
        return
    _print(made)
    for path in written:
        console().print(f"Wrote {path}", markup=False, highlight=False)


def moment(value: str, option: str, *, end_of_day: bool = False) -> datetime:
    """A day (its start, or with `end_of_day` the start of the next), or an ISO 8601 time; UTC
    unless it says otherwise. Anything else stops the command with one line naming the value."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            exact = datetime.fromisoformat(value)
        except ValueError:
            from rich.markup import escape

            fail(f"{option}: {escape(repr(value))} is not a date; write it as YYYY-MM-DD.")
        return exact if exact.tzinfo else exact.replace(tzinfo=UTC)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) if end_of_day else start


def _write(made: Report, png: Path | None, html: Path | None) -> list[Path]:
    if png is None and html is None:
        return []
    from brandbot.reporting import chart, page

    image = chart.render(made)
    files = [(path, data) for path, data in ((png, image), (html, page.render(made, image).encode())) if path]
    for path, data in files:
        try:
            path.write_bytes(data)
        except OSError as error:
            fail(f"can't write {path}: {error.strerror}")
    return [path for path, _ in files]


def _print(made: Report) -> None:
    from rich.text import Text

    from brandbot.reporting import display

    out = console()
    headline = table("Figure", "Value", title=f"Brand report, {display.period(made.since, made.until)} (UTC)")
    for label, value in display.headlines(made.overall):
        headline.add_row(label, value)
    out.print(headline)
    for label, groups in (("Channel", made.by_channel), ("Format", made.by_format)):
        # Figures down, groups across: ten figures never fit a terminal's width side by side.
        grid = table(label, *groups, title=f"Per {label.lower()}")
        rows = zip(*(display.group_row(group) for group in groups.values()), strict=True)
        for figure, values in zip(display.GROUP_COLUMNS, rows, strict=True):
            grid.add_row(figure, *values)
        out.print()
        out.print(grid)
    rules = table("Rule", "Left for the approver", "Fixed automatically", title="Rules that fire most")
    for count in made.overall.rules:
        rules.add_row(Text(count.check), str(count.alerts), str(count.fixes))
    out.print()
    out.print(rules if made.overall.rules else "No brand rule fired.")
    if made.most_revised:
        columns = ("Request", "Asked", "Format", "Rounds", "Follow-ups", "Outcome")
        revised = table(*columns, title="Requests with the most change rounds")
        for request in made.most_revised:
            asked, rounds = Text(" ".join(request.text.split())[:60]), str(request.change_rounds)
            revised.add_row(
                request.request_id, asked, Text(request.format), rounds, str(request.follow_ups), request.outcome
            )
        out.print()
        out.print(revised)
