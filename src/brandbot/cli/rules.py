"""`brandbot rules ...`: install, list and remove brand rules, and check a draft against them."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from brandbot.cli.context import database
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, fail, print_json, table
from brandbot.formats import FORMATS

if TYPE_CHECKING:
    from brandbot.rules import RuleSet

app = typer.Typer(
    help="Brand rules (Vale-compatible styles) that every draft is checked against.",
    no_args_is_help=True,
    rich_markup_mode=PLAIN_HELP,
)

FORMAT_NAMES = sorted(FORMATS)
CHANNEL_NAMES = sorted({fmt.channel for fmt in FORMATS.values()})
"""For the help text; brandbot.rules.context checks them (importing it for --help costs ~40 ms)."""
LEVEL_STYLE = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
BAD_INPUT = 2
"""Exit status for a file that can't be read or rules that can't be loaded (1 means error alerts)."""


@app.command()
def add(
    path: Path = typer.Argument(..., help="A rule .yml, a style folder, a styles directory or a .zip of one."),
    style: str | None = typer.Option(None, "--style", help="The style a single rule file goes into."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is adding them, for the audit log."),
    output: Output = OutputOption,
) -> None:
    """Install rules; nothing changes unless the result loads without error."""
    from brandbot.rules import RuleLoadError, library

    with database() as (settings, db):
        try:
            added = library.add(settings, db, path, style, actor=actor)
        except RuleLoadError as error:
            fail(str(error))
    if output is Output.json:
        print_json(added)
    else:
        console().print(f"Added {len(added)} rule{'' if len(added) == 1 else 's'}: {', '.join(added)}", highlight=False)


@app.command("list")
def list_rules(output: Output = OutputOption) -> None:
    """The installed rules, with their level before any draft context applies."""
    from rich.text import Text

    from brandbot.rules import RuleLoadError, library

    with database() as (settings, db):
        try:
            rules = library.list_rules(settings, db)
        except RuleLoadError as error:
            fail(str(error), BAD_INPUT)
    if output is Output.json:
        print_json([rule.to_dict() for rule in rules])
        return
    if not rules:
        console().print("No rules installed: add some with [bold]brandbot rules add guidelines/rules[/].")
        return
    grid = table("Rule", "Type", "Level", "File")
    for rule in rules:
        level = Text(rule.level, style=LEVEL_STYLE.get(rule.level, "") if rule.level != "off" else "dim")
        grid.add_row(rule.id, rule.type, level, rule.file)
    console().print(grid)


@app.command()
def remove(
    rule_or_style: str = typer.Argument(..., help="A rule id (Style.Rule) or a whole style."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is removing it, for the audit log."),
) -> None:
    """Remove a rule or a style; nothing changes unless the rest still loads."""
    from brandbot.rules import RuleLoadError, library

    with database() as (settings, db):
        try:
            removed = library.remove(settings, db, rule_or_style, actor=actor)
        except (LookupError, RuleLoadError) as error:
            fail(str(error))
    console().print(f"Removed {', '.join(removed)}.", highlight=False)


@app.command()
def check(
    file: str = typer.Argument(..., help="The draft to check, or - for standard input."),
    format_name: str | None = typer.Option(None, "--format", help=f"One of: {', '.join(FORMAT_NAMES)}."),
    channel: str | None = typer.Option(None, "--channel", help=f"One of: {', '.join(CHANNEL_NAMES)}."),
    promotional: bool = typer.Option(False, "--promotional/--no-promotional", help="Does the draft promote?"),
    rules_dir: Path | None = typer.Option(
        None, "--rules-dir", help="A styles directory instead of the installed rules."
    ),
    output: Output = OutputOption,
) -> None:
    """Check a draft; exit status 1 when it has error-level alerts, 2 when it can't be checked."""
    from brandbot.rules import DraftContext, summarize

    try:
        context = DraftContext(format_name, channel, promotional)
    except ValueError as error:
        fail(str(error), BAD_INPUT)
    text = _read(file)
    alerts = _rules(rules_dir).check(text, context)
    summary = summarize(alerts)
    if output is Output.json:
        print_json([alert.to_dict() for alert in alerts])
    else:
        from rich.text import Text

        grid = table("Line", "Level", "Message", "Rule")
        for alert in alerts:
            grid.add_row(
                f"{alert.line}:{alert.span[0]}",
                Text(alert.level.value, style=LEVEL_STYLE[alert.level.value]),
                Text(alert.message),
                Text(alert.check, style="dim"),
            )
        if alerts:
            console().print(grid)
        console().print(f"{'✖' if summary.errors else '✔'} {summary}", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


def _read(file: str) -> str:
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {error}", BAD_INPUT)


def _rules(rules_dir: Path | None) -> RuleSet:
    """A styles directory is read directly (no settings, no database); the installed rules
    come from the app database."""
    from brandbot.rules import RuleLoadError, load_styles

    try:
        if rules_dir is not None:
            return load_styles(rules_dir)
        from brandbot.rules import library

        with database() as (settings, db):
            return library.load_active(settings, db)
    except RuleLoadError as error:
        fail(str(error), BAD_INPUT)
