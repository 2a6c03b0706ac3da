"""Turns a guideline file into a LoadedDocument, or a LoaderError that names the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from brandbot.guidelines.document import LoadedDocument, LoaderError
from brandbot.guidelines.loaders.docx import parse_docx
from brandbot.guidelines.loaders.html import parse_html
from brandbot.guidelines.loaders.markdown import parse_markdown
from brandbot.guidelines.loaders.pdf import parse_pdf
from brandbot.guidelines.loaders.text import parse_text

_TEXT_PARSERS: dict[str, Callable[[str, str], LoadedDocument]] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".txt": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
}
_BINARY_PARSERS: dict[str, Callable[[bytes, str], LoadedDocument]] = {
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}
SUPPORTED_SUFFIXES = frozenset(_TEXT_PARSERS) | frozenset(_BINARY_PARSERS)


def is_supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def fallback_title(name: str) -> str:
    stem = Path(name).name.split(".")[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split()).capitalize() or name


def parse_document(name: str, data: bytes, *, max_bytes: int) -> LoadedDocument:
    """Parse `data` as the file `name` says; every refusal is a one-line LoaderError."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted({".md", ".txt", ".html", ".pdf", ".docx"}))
        raise LoaderError(f"unsupported file type '{suffix or '(none)'}' (supported: {supported})")
    if len(data) > max_bytes:
        raise LoaderError(f"file is {len(data) / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit")
    if not data.strip():
        raise LoaderError("file is empty")
    title = fallback_title(name)
    if suffix in _BINARY_PARSERS:
        document = _BINARY_PARSERS[suffix](data, title)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LoaderError(f"not UTF-8 text (bad byte at offset {error.start})") from error
        if "\x00" in text:
            raise LoaderError("looks like a binary file, not text")
        document = _TEXT_PARSERS[suffix](text, title)
    if not document.sections:
        raise LoaderError("no text found in the document")
    return document
