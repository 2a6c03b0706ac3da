"""Each markup a checked file may be in: what is prose, what is a heading, what is code."""

from __future__ import annotations

from brandbot.filetypes import markup_for
from brandbot.rules.document import Document

RST = """\
=========
Top Title
=========

Some ``cheap code`` and :code:`cheap` and :ref:`the guide` and `Cheap <https://x.example>`_ here.

.. note::
   A cheap note inside a directive.

Example::

    cheap literal block

- cheap item

Section
-------

Last cheap words.
"""


def _blocks(doc: Document) -> list[tuple[str, int, str]]:
    return [(block.kind, block.level, doc.prose[block.start : block.end]) for block in doc.blocks]


def test_markup_is_chosen_by_extension() -> None:
    assert [markup_for(name) for name in ("a.md", "B.RST", "c.txt", "draft")] == ["markdown", "rst", "text", "markdown"]


def test_rst_titles_lists_and_code() -> None:
    doc = Document(RST, "rst")
    blocks = _blocks(doc)
    assert blocks[0] == ("heading", 1, "Top Title")
    assert ("heading", 2, "Section") in blocks
    assert ("list", 0, "cheap item") in blocks
    paragraph = next(text for kind, _, text in blocks if text.startswith("Some"))
    assert "cheap" not in paragraph.replace("Cheap", "")  # literals and code roles are masked
    assert "**********" in paragraph and "the guide" in paragraph and "Cheap" in paragraph
    assert "https" not in doc.prose and "note" not in doc.prose and "literal block" not in doc.prose
    assert "Example:" in doc.prose and "Example::" not in doc.prose
    assert len(doc.prose) == len(RST)


def test_plain_text_has_no_markup() -> None:
    doc = Document("# not a heading\n\n`not code` *stars*", "text")
    assert _blocks(doc) == [("paragraph", 0, "# not a heading\n\n`not code` *stars*")]


def test_markdown_setext_headings() -> None:
    doc = Document("Title\n=====\n\nSub title\n---\n\nBody.\n\n---\n\nMore.")
    assert _blocks(doc) == [
        ("heading", 1, "Title"),
        ("heading", 2, "Sub title"),
        ("paragraph", 0, "Body."),
        ("paragraph", 0, "More."),
    ]
