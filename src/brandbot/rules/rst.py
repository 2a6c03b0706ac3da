"""reStructuredText, for `rules check` on a team's .rst files: section titles (underlined, or
over- and underlined; levels by order of first use), lists, block quotes, and paragraphs are
prose; comments, directives and literal blocks (after `::`) are not. Inline literals are masked
with `*` as Vale masks code; roles, references and emphasis keep their text."""

from __future__ import annotations

import re

from brandbot.rules.blocks import Block, Parsed, blank_ranges, extend, mask, spaces, trim
from brandbot.rules.markdown import URL

_ADORNMENT = re.compile(r"([=\-`:'\"~^_*+#<>.])\1*[ \t]*$")
_DIRECTIVE = re.compile(r"\.\.(?:[ \t]|$)")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022]|\d{1,9}[.)]|#[.)]|\(\d{1,9}\))[ \t]+")
_LITERAL = re.compile(r"``(.+?)``")
_ROLE = re.compile(r":([\w.+-]+):`([^`\n]+)`")
_REFERENCE = re.compile(r"`([^`<\n]+?)(\s*<[^>\n]*>)?`(__?)")
_INTERPRETED = re.compile(r"`([^`\n]+)`")
_EMPHASIS = re.compile(r"\*\*(?=\S)|(?<=\S)\*\*|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")
_CODE_ROLES = frozenset({"code", "literal", "file", "samp", "kbd", "command", "program", "envvar", "option"})


def parse(source: str) -> Parsed:
    lines = source.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    blanks: list[tuple[int, int]] = []
    opened: list[Block] = []
    current: Block | None = None
    styles: list[tuple[str, bool]] = []
    skip_indent = -1
    """While >= 0, lines indented more than this belong to a directive or a literal block."""
    literal_next = False
    fences = 0
    index = 0
    while index < len(lines):
        line = lines[index].rstrip("\r")
        start, end = starts[index], starts[index] + len(line)
        indent = len(line) - len(line.lstrip())
        if skip_indent >= 0 and (not line.strip() or indent > skip_indent):
            blanks.append((start, end))
            index += 1
            continue
        skip_indent = -1
        if not line.strip():
            current = None
            index += 1
            continue
        if literal_next and indent > 0:
            literal_next, skip_indent, current = False, 0, None
            fences += 1
            continue
        literal_next = False
        title = _title(lines, index)
        if title is not None:
            text_index, length, style = title
            if style not in styles:
                styles.append(style)
            for adorned in range(index, index + length):
                if adorned != text_index:
                    blanks.append((starts[adorned], starts[adorned] + len(lines[adorned])))
            text_start = starts[text_index]
            opened.append(Block("heading", text_start, text_start + len(lines[text_index]), styles.index(style) + 1))
            current = None
            index += length
            continue
        if _DIRECTIVE.match(line):  # its options and content are the indented lines below
            blanks.append((start, end))
            skip_indent, current = indent, None
            index += 1
            continue
        if _ADORNMENT.match(line.strip()) and len(line.strip()) >= 4:
            blanks.append((start, end))  # a transition
            current = None
        elif (found := _LIST_ITEM.match(line)) is not None and (current is None or current.kind == "list"):
            blanks.append((start, start + found.end()))
            current = Block("list", start + found.end(), end)
            opened.append(current)
        elif current is not None:
            current = extend(opened, current, end)
        else:
            current = Block("blockquote" if indent else "paragraph", start, end)
            opened.append(current)
        if line.rstrip().endswith("::"):
            colons = line.rstrip()
            blank_from = len(colons) - (2 if colons[:-2].endswith((" ", "\t")) or colons == "::" else 1)
            blanks.append((start + blank_from, start + len(colons)))
            literal_next = True
        index += 1
    prose = _blank_inline(blank_ranges(source, sorted(blanks)))
    blocks = [block for block in (trim(prose, block) for block in opened) if block is not None]
    return Parsed(prose, blocks, starts, fences)


def _title(lines: list[str], index: int) -> tuple[int, int, tuple[str, bool]] | None:
    """(index of the title text, lines it takes, its adornment style) for a section title
    starting at `index`: text over an adornment at least as long, optionally also under one."""
    line = lines[index].rstrip()
    below = lines[index + 1].rstrip() if index + 1 < len(lines) else ""
    if _ADORNMENT.match(line) and index + 2 < len(lines):
        text, under = lines[index + 1].rstrip(), lines[index + 2].rstrip()
        if text.strip() and under == line and len(line) >= len(text.strip()):
            return index + 1, 3, (line[0], True)
    if line.strip() and not line[0].isspace() and _ADORNMENT.match(below) and len(below) >= len(line):
        return index, 2, (below[0], False)
    return None


def _blank_inline(text: str) -> str:
    """Literals and code roles are blanked first and masked last, so no later pass reads them."""
    code: list[tuple[int, int]] = []
    for pattern, content in ((_LITERAL, 1), (_ROLE, 2)):
        if "`" not in text:
            break
        found = [match for match in pattern.finditer(text) if pattern is _LITERAL or match[1] in _CODE_ROLES]
        code.extend(match.span(content) for match in found)
        text = blank_ranges(text, [match.span() for match in found])
    if "`" in text:
        text = _ROLE.sub(lambda found: " " * (len(found[1]) + 3) + found[2] + " ", text)
        text = _REFERENCE.sub(lambda found: " " + found[1] + spaces(found[0][len(found[1]) + 1 :]), text)
        text = _INTERPRETED.sub(lambda found: f" {found[1]} ", text)
    if "://" in text or "www." in text or "mailto:" in text:
        text = URL.sub(lambda found: spaces(found[0]), text)
    if "*" in text:
        text = _EMPHASIS.sub(lambda found: spaces(found[0]), text)
    return mask(text, sorted(code)) if code else text
