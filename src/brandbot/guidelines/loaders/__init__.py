"""Turns a guideline file into a LoadedDocument, or a LoaderError that names the reason."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from brandbot.guidelines.document import LoadedDocument, LoaderError
from brandbot.guidelines.loaders.limits import ParseLimits

_TEXT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".html": "html", ".htm": "html"}
_BINARY_FORMATS = {".pdf": "pdf", ".docx": "docx"}
SUPPORTED_SUFFIXES = frozenset(_TEXT_FORMATS) | frozenset(_BINARY_FORMATS)


def is_supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def fallback_title(name: str) -> str:
    stem = Path(name).name.split(".")[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split()).capitalize() or name


def parse_document(name: str, data: bytes, *, max_bytes: int, limits: ParseLimits = ParseLimits()) -> LoadedDocument:
    """Parse `data` as the file `name` says; every refusal is a one-line LoaderError. Untrusted
    files go through `isolated.parse_isolated`, which runs this in a child process."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted({".md", ".txt", ".html", ".pdf", ".docx"}))
        raise LoaderError(f"unsupported file type '{suffix or '(none)'}' (supported: {supported})")
    if len(data) > max_bytes:
        raise LoaderError(f"file is {len(data) / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit")
    if not data.strip():
        raise LoaderError("file is empty")
    title = fallback_title(name)
    if suffix in _BINARY_FORMATS:
        document = _parser(_BINARY_FORMATS[suffix])(data, title, limits)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LoaderError(f"not UTF-8 text (bad byte at offset {error.start})") from error
        if "\x00" in text:
            raise LoaderError("looks like a binary file, not text")
        document = _parser(_TEXT_FORMATS[suffix])(text, title)
    if not document.sections:
        raise LoaderError("no text found in the document")
    return document


def _parser(module: str) -> Callable[..., LoadedDocument]:
    """`parse_<module>` from its module, imported on first use: the child process that reads
    one Markdown file starts without loading the PDF, DOCX and HTML libraries."""
    loaded = importlib.import_module(f"{__name__}.{module}")
    parse: Callable[..., LoadedDocument] = getattr(loaded, f"parse_{module}")
    return parse
