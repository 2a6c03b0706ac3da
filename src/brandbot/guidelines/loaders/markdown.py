"""Markdown: ATX and setext headings, YAML front-matter titles, fenced code kept whole."""

from __future__ import annotations

import re

import yaml

from brandbot.guidelines.document import LoadedDocument, SectionBuilder

_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_FENCE = re.compile(r"^(```|~~~)")


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end == -1:
        return {}, text
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError:
        return {}, text
    body = text[end + 4 :].lstrip("-").lstrip("\n")
    return (meta if isinstance(meta, dict) else {}), body


def parse_markdown(text: str, fallback_title: str, *, atx_headings: bool = True) -> LoadedDocument:
    """`atx_headings=False` reads `# ...` lines as prose, as plain text files mean them."""
    meta, body = _front_matter(text) if atx_headings else ({}, text)
    builder = SectionBuilder()
    title = meta.get("title")
    if isinstance(title, str):
        builder.title = title.strip()

    paragraph: list[str] = []
    in_fence = False

    def end_paragraph() -> None:
        builder.paragraph("\n".join(paragraph))
        paragraph.clear()

    for line in body.splitlines():
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            paragraph.append(line)
            continue
        if in_fence:
            paragraph.append(line)
            continue
        if atx_headings and (match := _ATX.match(line)):
            end_paragraph()
            builder.heading(len(match.group(1)), match.group(2))
        elif (underline := _SETEXT.match(line)) and len(paragraph) == 1 and paragraph[0].strip():
            heading = paragraph.pop()
            builder.heading(1 if underline.group(1)[0] == "=" else 2, heading)
        elif not line.strip():
            end_paragraph()
        else:
            paragraph.append(line)
    end_paragraph()
    return builder.build(fallback_title)
