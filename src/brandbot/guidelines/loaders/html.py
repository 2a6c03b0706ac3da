"""HTML: h1-h6 are headings; paragraphs, list items, cells and preformatted text are body."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from brandbot.guidelines.document import LoadedDocument, SectionBuilder

_SKIPPED = ["script", "style", "nav", "header", "footer", "noscript", "template", "svg"]
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = {"p", "li", "pre", "blockquote", "td", "th", "dd", "dt", "figcaption", "caption"}


def parse_html(text: str, fallback_title: str) -> LoadedDocument:
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(_SKIPPED):
        tag.decompose()
    builder = SectionBuilder()
    if soup.title and soup.title.get_text(strip=True):
        builder.title = soup.title.get_text(" ", strip=True)
    root = soup.body or soup
    for element in root.find_all(list(_HEADINGS) + list(_BLOCKS)):
        if not isinstance(element, Tag) or _inside_block(element):
            continue
        if element.name in _HEADINGS:
            builder.heading(_HEADINGS[element.name], element.get_text())
        else:
            raw = element.get_text()
            builder.paragraph(raw if element.name == "pre" else " ".join(raw.split()))
    return builder.build(fallback_title)


def _inside_block(element: Tag) -> bool:
    """A <p> inside an <li> belongs to the list item's text, which is read once."""
    return any(parent.name in _BLOCKS for parent in element.parents)
