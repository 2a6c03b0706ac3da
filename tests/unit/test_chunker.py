"""Chunks follow headings, start with their breadcrumb and fit the embedding window."""

from __future__ import annotations

import pytest

from brandbot.guidelines.chunker import chunk_document
from brandbot.guidelines.document import LoadedDocument, Section
from brandbot.guidelines.embeddings import TokenCounter, token_counter
from brandbot.guidelines.loaders import parse_document
from tests.conftest import GUIDELINES

MODEL_WINDOW = 256


@pytest.fixture(scope="module")
def count() -> TokenCounter:
    return token_counter("all-MiniLM-L6-v2")


@pytest.mark.parametrize("path", sorted(p.name for p in GUIDELINES.iterdir() if p.is_file()))
def test_every_shipped_chunk_fits_the_window_with_special_tokens(path: str, count: TokenCounter) -> None:
    document = parse_document(path, (GUIDELINES / path).read_bytes(), max_bytes=1 << 25)
    chunks = chunk_document(document, count, max_tokens=200)
    assert chunks
    sizes = count([chunk.text for chunk in chunks])
    assert max(sizes) + 2 <= MODEL_WINDOW
    for chunk in chunks:
        assert chunk.text.startswith(" > ".join((document.title, *chunk.section)) + "\n\n")


def test_long_section_is_split_at_paragraphs_then_sentences(count: TokenCounter) -> None:
    sentence = "Tidewell Backup copies every laptop to the cloud each hour without anyone lifting a finger."
    paragraphs = [" ".join([sentence] * 4) for _ in range(6)] + [" ".join([sentence] * 20)]
    document = LoadedDocument("Brand", [Section(("Products", "Backup"), "\n\n".join(paragraphs), page=3)])
    chunks = chunk_document(document, count, max_tokens=120)
    assert len(chunks) > 7
    assert all(count([c.text])[0] <= 120 for c in chunks)
    assert all(c.text.startswith("Brand > Products > Backup\n\n") and c.page == 3 for c in chunks)
    body = " ".join(c.text.split("\n\n", 1)[1] for c in chunks)
    assert body.split() == " ".join(paragraphs).split(), "no text is lost or repeated"


def test_tables_split_between_rows_not_inside_them(count: TokenCounter) -> None:
    rows = "\n".join(f"| word{i} | replacement{i} | a reason that takes some words to explain. |" for i in range(40))
    document = LoadedDocument("Terms", [Section(("Words",), rows)])
    chunks = chunk_document(document, count, max_tokens=100)
    assert len(chunks) > 1
    for chunk in chunks:
        for line in chunk.text.split("\n\n", 1)[1].splitlines():
            assert line.startswith("| word") and line.endswith("|")


def test_small_sections_stay_whole(count: TokenCounter) -> None:
    document = LoadedDocument("Brand", [Section(("A",), "One."), Section(("A", "B"), "Two.")])
    assert [c.text for c in chunk_document(document, count, max_tokens=200)] == [
        "Brand > A\n\nOne.",
        "Brand > A > B\n\nTwo.",
    ]
