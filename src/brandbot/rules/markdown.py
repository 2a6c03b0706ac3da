"""Markdown, as drafts are written: block structure line by line (headings, setext headings,
lists, quotes, fences), then the inline markup (code, tags, URLs, link targets, emphasis), all
blanked in place; code text is masked with `*` as Vale masks it."""

from __future__ import annotations

import re

from brandbot.rules.blocks import Block, Parsed, blank_ranges, extend, mask, spaces, trim

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_BREAK = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}[ \t]*)$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_TAG = re.compile(r"<(?:https?://|mailto:)[^>\s]*>|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
_LINK = re.compile(r"(!?\[)([^\]\n]*)(\]\([^)\n]*\))")
_EMPHASIS = re.compile(  # each alternative starts with its character, which keeps the scan fast
    r"\*\*+|__+|~~|\*(?<![\w*\\]\*)(?=[^\s*])|\*(?<=[^\s*\\]\*)(?![\w*])|_(?<!\w_)(?=[^\s_])|_(?<=[^\s_]_)(?!\w)"
)


def parse(source: str) -> Parsed:
    """(prose, blocks, line starts, code fences): block structure line by line, then the inline
    markup, both blanked in place."""
    blanks: list[tuple[int, int]] = []
    line_starts: list[int] = []
    fences = 0
    opened: list[Block] = []
    current: Block | None = None
    fence = ""
    position = 0
    for raw_line in source.split("\n"):
        start = position
        line_starts.append(start)
        position += len(raw_line) + 1
        line = raw_line.rstrip("\r")
        end = start + len(line)
        if fence:
            blanks.append((start, end))
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if (found := _FENCE.match(line)) is not None:
            current = None
            fence = found[1]
            fences += 1
            blanks.append((start, end))
        elif not line.strip():
            current = None
        elif current is not None and current.kind == "paragraph" and (found := _SETEXT.match(line)) is not None:
            opened[-1] = Block("heading", current.start, current.end, 1 if found[1][0] == "=" else 2)
            current = None
            blanks.append((start, end))
        elif _BREAK.match(line):
            current = None
            blanks.append((start, end))
        elif (found := _HEADING.match(line)) is not None:
            current = None
            blanks.append((start, start + found.end()))
            closing = _CLOSING_HASHES.search(line, found.end())
            if closing:
                blanks.append((start + closing.start(), end))
            opened.append(Block("heading", start + found.end(), end, len(found[1])))
        elif (found := _QUOTE.match(line)) is not None:
            blanks.append((start, start + found.end()))
            if current is not None and current.kind == "blockquote":
                current = extend(opened, current, end)
            else:
                current = Block("blockquote", start + found.end(), end)
                opened.append(current)
        elif (found := _LIST_ITEM.match(line)) is not None and _starts_item(found[0], current):
            blanks.append((start, start + found.end()))
            current = Block("list", start + found.end(), end)
            opened.append(current)
        elif current is not None:
            current = extend(opened, current, end)
        else:
            current = Block("paragraph", start, end)
            opened.append(current)
    prose = _blank_inline(blank_ranges(source, blanks))
    blocks = [block for block in (trim(prose, block) for block in opened) if block is not None]
    return Parsed(prose, blocks, line_starts, fences)


def _starts_item(marker: str, current: Block | None) -> bool:
    """A numbered line interrupts a paragraph only from 1, so "2024. That was" stays prose."""
    number = marker.strip()[:-1]
    return not number.isdigit() or number == "1" or current is None or current.kind == "list"


def _blank_inline(text: str) -> str:
    """Code spans first (nothing inside them is markup; their text becomes `*`), then tags, URLs,
    link targets, emphasis; each pass only runs when its marker character is present at all."""
    spans = list(_CODE_SPAN.finditer(text)) if "`" in text else []
    code = [found.span(2) for found in spans]
    if spans:
        text = blank_ranges(text, [found.span() for found in spans])
    if "<" in text:
        text = _TAG.sub(lambda found: spaces(found[0]), text)
    if "://" in text or "www." in text or "mailto:" in text:
        text = URL.sub(lambda found: spaces(found[0]), text)
    if "](" in text:
        text = _LINK.sub(lambda found: spaces(found[1]) + found[2] + spaces(found[3]), text)
    if "*" in text or "_" in text or "~~" in text:
        text = _EMPHASIS.sub(lambda found: spaces(found[0]), text)
    return mask(text, code) if code else text
