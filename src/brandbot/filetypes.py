"""Which markup a file is in, by its extension, as Vale decides it. Imports nothing, so the CLI
can name the suffixes in its help without loading the engine."""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

Markup = Literal["markdown", "rst", "text"]
SUFFIXES: dict[str, Markup] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".rst": "rst",
    ".rest": "rst",
    ".txt": "text",
    ".text": "text",
}


def markup_for(path: str) -> Markup:
    """Markdown for anything else: a draft."""
    return SUFFIXES.get(PurePath(path).suffix.lower(), "markdown")
