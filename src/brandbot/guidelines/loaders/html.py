"""HTML: h1-h6 are headings; paragraphs, list items, cells and preformatted text are body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, ParserRejectedMarkup, Tag

from brandbot.guidelines.document import LoadedDocument, LoaderError, SectionBuilder

_SKIPPED = ["script", "style", "nav", "header", "footer", "noscript", "template", "svg"]
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = {"p", "li", "pre", "blockquote", "td", "th", "dd", "dt", "figcaption", "caption"}
_HIDING = re.compile(
    r"display:none|visibility:hidden|opacity:0(?:\.0*)?(?:;|$)|font-size:0(?:\.\d+)?(?:px|pt|em|rem|%)?(?:;|$)"
    r"|(?<![-\w])color:(?:#fff(?:fff)?|white|rgb\(255,255,255\))(?:;|$)"
)


def parse_html(text: str, fallback_title: str) -> LoadedDocument:
    try:
        soup = BeautifulSoup(text, "html.parser")
    except ParserRejectedMarkup as error:
        raise LoaderError(f"not readable HTML ({error})") from error
    for tag in soup(_SKIPPED):
        tag.decompose()
    builder = SectionBuilder()
    for tag in soup.find_all(_is_hidden):
        if tag.parent is not None:  # not already taken out with a hidden ancestor
            builder.hidden_text(tag.get_text(" "))
            tag.decompose()
    if soup.title and soup.title.get_text(strip=True):
        builder.title = soup.title.get_text(" ", strip=True)
    for element in _outermost(soup.body or soup):
        if element.name in _HEADINGS:
            builder.heading(_HEADINGS[element.name], element.get_text())
        else:
            raw = element.get_text()
            builder.paragraph(raw if element.name == "pre" else " ".join(raw.split()))
    return builder.build(fallback_title)


def _is_hidden(tag: Tag) -> bool:
    """Hidden by the `hidden` attribute or by an inline style: not shown, zero-size, transparent
    or white (on the white pages guidelines are read on)."""
    if tag.has_attr("hidden"):
        return True
    style = str(tag.get("style") or "").lower().replace(" ", "")
    return bool(style) and _HIDING.search(style) is not None


def _outermost(root: Tag) -> Iterator[Tag]:
    """Headings and blocks in document order, none inside another (a <p> in an <li> is part of
    the item's text, read once). One walk with an explicit stack that stops at each one found:
    every element is visited once here and once by its reader's get_text, however deep the page."""
    stack = [child for child in reversed(root.contents) if isinstance(child, Tag)]
    while stack:
        element = stack.pop()
        if element.name in _HEADINGS or element.name in _BLOCKS:
            yield element
        else:
            stack.extend(child for child in reversed(element.contents) if isinstance(child, Tag))
