"""How the CLI speaks: rich tables and colour for people, `--output json` for scripts.

rich is imported on first use, not on import: it costs ~40 ms that `--help` and the
machine-readable outputs never need.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


PLAIN_HELP = None
"""typer's `rich_markup_mode` for every command group: plain help and usage errors. Rich help
imports rich, markdown-it and attrs (~70 ms, as much as the rest of `brandbot --help`)."""


@cache
def console() -> Console:
    from rich.console import Console

    return Console()


@cache
def errors() -> Console:
    from rich.console import Console

    return Console(stderr=True)


class Output(StrEnum):
    text = "text"
    json = "json"


OutputOption = typer.Option(Output.text, "--output", "-o", help="text for people, json for scripts.")


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def table(*columns: str, title: str | None = None) -> Table:
    from rich.table import Table

    grid = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False)
    for column in columns:
        grid.add_column(column)
    return grid


def fail(message: str, code: int = 1) -> NoReturn:
    errors().print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    errors().print(f"[yellow]{message}[/]", highlight=False)
