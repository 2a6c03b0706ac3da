"""PDF: text per page; lines set in a larger font than the body are read as headings."""

from __future__ import annotations

import io
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError

from brandbot.guidelines.document import LoadedDocument, LoaderError, SectionBuilder
from brandbot.guidelines.loaders.limits import ParseLimits

_HEADING_RATIO = 1.15
_MAX_HEADING_CHARS = 120


@dataclass
class _Line:
    y: float
    size: float = 0.0
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def _page_lines(page: PageObject, hidden: list[str]) -> list[_Line]:
    """The page's visible lines; text no reader sees (off the page, under 2 pt, white or in the
    invisible rendering mode) goes to `hidden` instead."""
    lines: list[_Line] = []
    box = page.mediabox
    paint = {"white": False, "invisible": False}

    def operator(op: bytes, args: list[object], _cm: object, _tm: object) -> None:
        values = [float(arg) for arg in args if isinstance(arg, int | float)]
        if op in (b"rg", b"g"):
            paint["white"] = bool(values) and all(value >= 0.99 for value in values)
        elif op == b"k":
            paint["white"] = bool(values) and all(value <= 0.01 for value in values)
        elif op == b"Tr" and values:
            paint["invisible"] = values[0] == 3

    def visit(text: str, cm: list[float], tm: list[float], _font: object, font_size: float) -> None:
        size = abs(font_size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]))
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        off_page = not (box.left - 1 <= x <= box.right + 1 and box.bottom - 1 <= y <= box.top + 1)
        if text.strip() and (off_page or size < 2 or paint["white"] or paint["invisible"]):
            hidden.append(text)
            return
        if not lines or abs(lines[-1].y - y) > 1.0:
            lines.append(_Line(y=y))
        for index, piece in enumerate(text.split("\n")):
            if index > 0:
                lines.append(_Line(y=y))
            lines[-1].parts.append(piece)
            if piece.strip():
                lines[-1].size = max(lines[-1].size, size)

    page.extract_text(visitor_text=visit, visitor_operand_before=operator)
    return [line for line in lines if line.text]


def _without_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drops headers and footers: first or last lines that recur, digits aside, on most pages."""
    if len(pages) < 3:
        return pages

    def shape(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({shape(line) for line in lines[:2] + lines[-2:]})
    running = {text for text, count in edges.items() if count >= max(2, len(pages) // 2)}
    return [
        [
            line
            for index, line in enumerate(lines)
            if not (shape(line) in running and (index < 2 or index >= len(lines) - 2))
        ]
        for lines in pages
    ]


def parse_pdf(data: bytes, fallback_title: str, limits: ParseLimits) -> LoadedDocument:
    """Pages are counted before any is read, and the clock is checked between pages; a single
    page that never ends is the child process's time limit to stop."""
    deadline = time.monotonic() + limits.time_limit_s
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoaderError("the PDF is encrypted")
        count = len(reader.pages)
        if count > limits.max_pdf_pages:
            raise LoaderError(f"the PDF has {count} pages, over the {limits.max_pdf_pages}-page limit")
        pages = []
        hidden: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            if time.monotonic() >= deadline:
                raise LoaderError(
                    f"reading the PDF took over {limits.time_limit_s:g} s (stopped at page {number} of {count})"
                )
            pages.append(_page_lines(page, hidden))
        metadata_title = reader.metadata.get("/Title") if reader.metadata else None
    except LoaderError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LoaderError(f"not a readable PDF ({error})") from error

    pages = _without_running_lines(pages)
    weights: Counter[float] = Counter()
    for line in (line for page in pages for line in page):
        weights[round(line.size, 1)] += len(line.text)
    if not weights:
        raise LoaderError("the PDF has no extractable text (is it a scan?)")
    body_size = weights.most_common(1)[0][0]
    heading_sizes = sorted(
        {round(line.size, 1) for page in pages for line in page if line.size >= body_size * _HEADING_RATIO},
        reverse=True,
    )
    levels = {size: rank + 1 for rank, size in enumerate(heading_sizes)}

    builder = SectionBuilder()
    builder.hidden_text(" ".join(hidden))
    if isinstance(metadata_title, str) and metadata_title.strip():
        builder.title = metadata_title.strip()
    for number, lines in enumerate(pages, start=1):
        builder.page(number)
        paragraph: list[str] = []
        previous: _Line | None = None
        for line in lines:
            level = levels.get(round(line.size, 1))
            if level and len(line.text) <= _MAX_HEADING_CHARS:
                builder.paragraph(" ".join(paragraph))
                paragraph = []
                builder.heading(level, line.text)
            else:
                if previous and abs(previous.y - line.y) > line.size * 1.9:
                    builder.paragraph(" ".join(paragraph))
                    paragraph = []
                paragraph.append(line.text)
            previous = line
        builder.paragraph(" ".join(paragraph))
    return builder.build(fallback_title)
