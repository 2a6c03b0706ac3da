"""`brandbot rules ...`: install, list and remove brand rules, check drafts against them, and
adopt or dismiss the rules proposed from reviewers' edits."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from brandbot.cli.context import database
from brandbot.cli.output import PLAIN_HELP, Output, OutputOption, console, fail, print_json, table
from brandbot.filetypes import SUFFIXES, Markup, markup_for
from brandbot.formats import FORMATS

if TYPE_CHECKING:
    from brandbot.cli.check_output import Checked
    from brandbot.rulebook.proposals import Proposal
    from brandbot.rules import DraftContext, RuleSet

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
TEXT_SUFFIXES = tuple(SUFFIXES)
"""What `rules check` reads in a folder it is given (a file named on its own is read whatever its name)."""
SKIPPED_FOLDERS = frozenset({".git", "node_modules"})
"""Vale's `defaultIgnoreDirectories`."""


@app.command()
def add(
    path: Path = typer.Argument(..., help="A rule .yml, a style folder, a styles directory or a .zip of one."),
    style: str | None = typer.Option(None, "--style", help="The style a single rule file goes into."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="Who is adding them, for the audit log."),
    output: Output = OutputOption,
) -> None:
    """Install rules; nothing changes unless the result loads without error."""
    from brandbot.rulebook import library
    from brandbot.rules import RuleLoadError

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

    from brandbot.rulebook import library
    from brandbot.rules import RuleLoadError

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
    from brandbot.rulebook import library
    from brandbot.rules import RuleLoadError

    with database() as (settings, db):
        try:
            removed = library.remove(settings, db, rule_or_style, actor=actor)
        except (LookupError, RuleLoadError) as error:
            fail(str(error))
    console().print(f"Removed {', '.join(removed)}.", highlight=False)


@app.command()
def proposals(output: Output = OutputOption) -> None:
    """Rules learned from reviewers' edits and change requests, waiting for an admin: each with
    how often it would have fired on past approved texts and drafts, and examples."""
    from brandbot.rulebook import library
    from brandbot.rulebook import proposals as learned
    from brandbot.rules import RuleLoadError

    with database() as (settings, db):
        try:
            found = learned.refresh(settings, db, library.load_active(settings, db))
        except RuleLoadError as error:
            fail(str(error), BAD_INPUT)
        except TimeoutError as error:  # another refresh held the lock all along
            fail(str(error))
    if output is Output.json:
        print_json([proposal.to_dict() for proposal in found])
        return
    if not found:
        console().print("No rule proposals: no change shows up in enough reviewers' decisions that the rules lack.")
        return
    _show_proposals(found)


@app.command()
def adopt(
    proposal_id: int = typer.Argument(..., help="A proposal's id (see `brandbot rules proposals`)."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="The admin adopting it, for the audit log."),
    output: Output = OutputOption,
) -> None:
    """Add a proposed rule to the brand's style as a new rules version."""
    from brandbot.rulebook import proposals as learned
    from brandbot.rules import RuleLoadError

    with database() as (settings, db):
        try:
            adopted = learned.adopt(settings, db, proposal_id, actor)
        except (LookupError, ValueError, RuleLoadError) as error:
            fail(str(error))
    if output is Output.json:
        print_json(adopted.to_dict())
    else:
        console().print(f"Adopted proposal {proposal_id} as {adopted.rule_id}.", highlight=False)


@app.command()
def dismiss(
    proposal_id: int = typer.Argument(..., help="A proposal's id (see `brandbot rules proposals`)."),
    actor: str = typer.Option(getpass.getuser(), "--as", help="The admin dismissing it, for the audit log."),
) -> None:
    """Dismiss a proposed rule for good: the same change is never proposed again."""
    from brandbot.rulebook import proposals as learned

    with database() as (_, db):
        try:
            learned.dismiss(db, proposal_id, actor)
        except LookupError as error:
            fail(str(error))
    console().print(f"Dismissed proposal {proposal_id}.", highlight=False)


def _show_proposals(found: list[Proposal]) -> None:
    """One table of proposals, then each one's examples (approved texts first)."""
    from rich.text import Text

    from brandbot.rulebook.learning import Kind

    grid = table("ID", "Rule", "Evidence", "Approved texts", "Drafts")
    for proposal in found:
        change, tested = proposal.change, proposal.backtest
        rule = (
            f"{change.phrase} -> {change.replacement}" if change.kind is Kind.substitution else f"flag {change.phrase}"
        )
        grid.add_row(
            str(proposal.id),
            Text(f"{change.kind}: {rule}"),
            f"{_count(proposal.reviewers, 'reviewer')}: "
            f"{_count(proposal.edits, 'edit')}, {_count(proposal.change_requests, 'change request')}",
            f"{tested.approved_fired} of {tested.approved_checked}",
            f"{tested.drafts_fired} of {tested.drafts_checked}",
        )
    console().print(grid)
    for proposal in found:
        for example in proposal.backtest.examples:
            where = "approved" if example.approved else "draft"
            console().print(Text(f"  {proposal.id}: {where} {example.ref}: {example.excerpt}", style="dim"))
    console().print("Adopt with `brandbot rules adopt ID`, or `brandbot rules dismiss ID` for good.", highlight=False)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class CheckOutput(StrEnum):
    text = "text"
    json = "json"
    line = "line"
    vale_json = "vale-json"


@app.command()
def check(
    files: list[str] = typer.Argument(
        ...,
        help=f"Drafts to check: files, folders (their {', '.join(TEXT_SUFFIXES)} files) or - for standard input.",
    ),
    format_name: str | None = typer.Option(None, "--format", help=f"One of: {', '.join(FORMAT_NAMES)}."),
    channel: str | None = typer.Option(None, "--channel", help=f"One of: {', '.join(CHANNEL_NAMES)}."),
    promotional: bool = typer.Option(False, "--promotional/--no-promotional", help="Does the draft promote?"),
    rules_dir: Path | None = typer.Option(
        None, "--rules-dir", help="A styles directory instead of the installed rules."
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        help="A .vale.ini: its [glob] sections choose each file's rules. Without it and --rules-dir, "
        "the nearest .vale.ini from here upward is used, else the installed rules.",
    ),
    output: CheckOutput = typer.Option(
        CheckOutput.text,
        "--output",
        "-o",
        help="text (a table), json, or Vale's formats: line (path:line:column:check:message) and vale-json.",
    ),
) -> None:
    """Check drafts as Vale does: exit status 1 when any has an error-level alert, 2 when they
    can't be checked; a rule that fails on a file is reported and the rest still apply."""
    from brandbot.cli.check_output import STDIN_NAME, Checked, has_errors

    try:
        context = _context(format_name, channel, promotional)
        texts: list[tuple[str, Markup, str]] = [
            (STDIN_NAME, "markdown", _read(path)) if path == "-" else (path, markup_for(path), _read(path))
            for path in _inputs(files)
        ]
        rules_for = _rules(rules_dir, config)
    except _BadInput as error:
        _bad_input(str(error), output)
    results = []
    for path, markup, text in texts:
        report = rules_for(path).run(text, context, markup)
        results.append(Checked(path, report.alerts, report.failures))
    _show(results, output)
    if has_errors(results):
        raise typer.Exit(1)


class _BadInput(Exception):
    """Anything that stops a check before it starts: exit status 2, as Vale's runtime errors."""


def _context(format_name: str | None, channel: str | None, promotional: bool) -> DraftContext:
    from brandbot.rules import DraftContext

    try:
        return DraftContext(format_name, channel, promotional)
    except ValueError as error:
        raise _BadInput(str(error)) from None


def _inputs(arguments: list[str]) -> list[str]:
    """Files as given and `-`; a folder's files with a known text suffix, walked in name order
    below the folder as given, skipping the folders Vale skips."""
    found: list[str] = []
    for argument in arguments:
        if argument == "-" or not Path(argument).is_dir():
            found.append(argument)
            continue
        for folder, subfolders, names in os.walk(argument):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
            found += [os.path.join(folder, name) for name in sorted(names) if name.lower().endswith(TEXT_SUFFIXES)]
    return found


def _read(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _BadInput(f"cannot read {path}: {error}") from None


def _rules(rules_dir: Path | None, config: Path | None) -> Callable[[str], RuleSet]:
    """Which rules check a file: a styles directory or a .vale.ini are read directly (no
    settings, no database); otherwise the nearest .vale.ini, else the installed rules."""
    from brandbot.rules import RuleLoadError, load_styles
    from brandbot.rules.valeini import find_vale_ini, load_vale_ini

    if rules_dir is not None and config is not None:
        raise _BadInput("give --rules-dir or --config, not both")
    try:
        if rules_dir is not None:
            rules = load_styles(rules_dir)
            return lambda _path: rules
        ini = config or find_vale_ini(Path.cwd())
        if ini is not None:
            return load_vale_ini(ini).rules_for
        installed = _installed()
        if not installed:
            raise _BadInput(
                "No brand rules are installed, so there is nothing to check against: install them with "
                "`brandbot rules add PATH`, or give --rules-dir or --config."
            )
        return lambda _path: installed
    except RuleLoadError as error:
        raise _BadInput(str(error)) from None


def _installed() -> RuleSet:
    """The rules in the app database, with the time limit the workflow gives them."""
    from brandbot.rulebook import library

    with database() as (settings, db):
        rules = library.load_active(settings, db)
    return replace(rules, time_limit_s=settings.rule_time_limit_ms / 1000)


def _bad_input(message: str, output: CheckOutput) -> NoReturn:
    """On standard error, in the output's own style: Vale's JSON error for vale-json."""
    if output is CheckOutput.vale_json:
        sys.stderr.write(json.dumps({"Code": "E100", "Text": message}, indent=2) + "\n")
        raise typer.Exit(BAD_INPUT)
    if output is CheckOutput.line:
        sys.stderr.write(f"{message}\n")
        raise typer.Exit(BAD_INPUT)
    fail(message, BAD_INPUT)


def _show(results: list[Checked], output: CheckOutput) -> None:
    from brandbot.cli.check_output import json_report, line_output, vale_json

    if output in (CheckOutput.line, CheckOutput.vale_json):
        sys.stdout.write(line_output(results) if output is CheckOutput.line else vale_json(results))
        for result in results:
            for failure in result.failures:
                sys.stderr.write(f"warning: {result.path}: {failure.reason}\n")
    elif output is CheckOutput.json:
        print_json(json_report(results))
    else:
        _show_tables(results)


def _show_tables(results: list[Checked]) -> None:
    """One table per file with alerts, each failed rule under it, then Vale's summary line."""
    from rich.text import Text

    from brandbot.rules import summarize

    for result in results:
        if result.alerts:
            grid = table("Line", "Level", "Message", "Rule", title=result.path)
            for alert in result.alerts:
                grid.add_row(
                    f"{alert.line}:{alert.span[0]}",
                    Text(alert.level.value, style=LEVEL_STYLE[alert.level.value]),
                    Text(alert.message),
                    Text(alert.check, style="dim"),
                )
            console().print(grid)
        for failure in result.failures:
            console().print(Text(f"⚠ {result.path}: {failure.reason}", style="yellow"))
    summary = summarize(alert for result in results for alert in result.alerts)
    files = f"{len(results)} file{'' if len(results) == 1 else 's'}"
    console().print(f"{'✖' if summary.errors else '✔'} {summary} in {files}.", highlight=False)
