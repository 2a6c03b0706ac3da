"""`brandbot rules ...`: install, list and remove brand rules, and check a draft against them."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer
from rich.text import Text

from brandbot.cli.context import services
from brandbot.cli.output import Output, OutputOption, console, fail, print_json, table
from brandbot.rules import DraftContext, Level, RuleLoadError, RuleSet, library, load_styles, summarize
from brandbot.rules.context import KNOWN_CHANNELS, KNOWN_FORMATS

app = typer.Typer(
    help="Brand rules (Vale-compatible styles) that every draft is checked against.", no_args_is_help=True
)

LEVEL_STYLE = {Level.error: "bold red", Level.warning: "yellow", Level.suggestion: "cyan"}
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
    with services() as built:
        try:
            added = library.add(built.settings, built.db, path, style, actor=actor)
        except RuleLoadError as error:
            fail(str(error))
    if output is Output.json:
        print_json(added)
    else:
        console.print(f"Added {len(added)} rule{'' if len(added) == 1 else 's'}: {', '.join(added)}", highlight=False)


@app.command("list")
def list_rules(output: Output = OutputOption) -> None:
    """The installed rules, with their level before any draft context applies."""
    with services() as built:
        try:
            rules = library.list_rules(built.settings, built.db)
        except RuleLoadError as error:
            fail(str(error), BAD_INPUT)
    if output is Output.json:
        print_json([rule.to_dict() for rule in rules])
        return
    if not rules:
        console.print("No rules installed: add some with [bold]brandbot rules add guidelines/rules[/].")
        return
    grid = table("Rule", "Type", "Level", "File")
    for rule in rules:
        level = Text(rule.level, style=LEVEL_STYLE.get(Level(rule.level), "") if rule.level != "off" else "dim")
        grid.add_row(rule.id, rule.type, level, rule.file)
    console.print(grid)


@app.command()
def remove(
    rule_or_style: str = typer.Argument(..., help="A rule id (Style.Rule) or a whole style."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is removing it, for the audit log."),
) -> None:
    """Remove a rule or a style; nothing changes unless the rest still loads."""
    with services() as built:
        try:
            removed = library.remove(built.settings, built.db, rule_or_style, actor=actor)
        except (LookupError, RuleLoadError) as error:
            fail(str(error))
    console.print(f"Removed {', '.join(removed)}.", highlight=False)


@app.command()
def check(
    file: str = typer.Argument(..., help="The draft to check, or - for standard input."),
    format_name: str | None = typer.Option(None, "--format", help=f"One of: {', '.join(sorted(KNOWN_FORMATS))}."),
    channel: str | None = typer.Option(None, "--channel", help=f"One of: {', '.join(sorted(KNOWN_CHANNELS))}."),
    promotional: bool = typer.Option(False, "--promotional/--no-promotional", help="Does the draft promote?"),
    rules_dir: Path | None = typer.Option(
        None, "--rules-dir", help="A styles directory instead of the installed rules."
    ),
    output: Output = OutputOption,
) -> None:
    """Check a draft; exit status 1 when it has error-level alerts, 2 when it can't be checked."""
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
        grid = table("Line", "Level", "Message", "Rule")
        for alert in alerts:
            grid.add_row(
                f"{alert.line}:{alert.span[0]}",
                Text(alert.level.value, style=LEVEL_STYLE[alert.level]),
                Text(alert.message),
                Text(alert.check, style="dim"),
            )
        if alerts:
            console.print(grid)
        console.print(f"{'✖' if summary.errors else '✔'} {summary}", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


def _read(file: str) -> str:
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {error}", BAD_INPUT)


def _rules(rules_dir: Path | None) -> RuleSet:
    try:
        if rules_dir is not None:
            return load_styles(rules_dir)
        with services() as built:
            return library.load_active(built.settings, built.db)
    except RuleLoadError as error:
        fail(str(error), BAD_INPUT)
