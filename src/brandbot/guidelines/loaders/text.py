"""Plain text: paragraphs split on blank lines, setext-underlined lines read as headings."""

from __future__ import annotations

from brandbot.guidelines.document import LoadedDocument
from brandbot.guidelines.loaders.markdown import parse_markdown


def parse_text(text: str, fallback_title: str) -> LoadedDocument:
    return parse_markdown(text, fallback_title, atx_headings=False)
