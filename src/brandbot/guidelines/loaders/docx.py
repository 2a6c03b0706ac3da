"""DOCX: Title and Heading N paragraph styles give the structure; tables are read as text."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Pt, RGBColor
from docx.text.run import Run
from lxml.etree import XMLSyntaxError

from brandbot import archives
from brandbot.guidelines.document import LoadedDocument, LoaderError, SectionBuilder
from brandbot.guidelines.loaders.limits import ParseLimits

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def parse_docx(data: bytes, fallback_title: str, limits: ParseLimits) -> LoadedDocument:
    """The zip is checked before python-docx opens it: it unpacks every part into memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reason = archives.refusal(archive, limits.max_unpacked_bytes, limits.max_zip_ratio)
        if reason is not None:
            raise LoaderError(f"DOCX refused: {reason}")
        document = docx.Document(io.BytesIO(data))
    except LoaderError:
        raise
    except XMLSyntaxError as error:
        raise LoaderError(f"not a readable DOCX file (malformed XML: {error})") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise LoaderError(f"not a readable DOCX file ({error})") from error

    builder = SectionBuilder()
    core_title = document.core_properties.title
    if core_title and core_title.strip():
        builder.title = core_title.strip()
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
                builder.paragraph(" | ".join(dict.fromkeys(cells)))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        if style == "Title":
            builder.heading(1, block.text)
        elif match := _HEADING_STYLE.match(style):
            builder.heading(int(match.group(1)) + 1, block.text)
        else:
            visible = [run.text for run in block.runs if not _hidden(run)]
            hidden = [run.text for run in block.runs if _hidden(run)]
            builder.paragraph("".join(visible) if hidden else block.text)
            builder.hidden_text(" ".join(hidden))
    return builder.build(fallback_title)


def _hidden(run: Run) -> bool:
    """Word's hidden text, white text, or text under 2 pt: there for a model, not a reader."""
    font = run.font
    if font.hidden or (font.size is not None and font.size < Pt(2)):
        return True
    try:
        return font.color is not None and font.color.rgb == RGBColor(0xFF, 0xFF, 0xFF)
    except (AttributeError, ValueError):
        return False
