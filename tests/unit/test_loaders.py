"""Each loader on the real shipped files, and every refusal on bad input."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from brandbot.guidelines.document import LoaderError
from brandbot.guidelines.loaders import parse_document
from tests.conftest import GUIDELINES

MB = 1024 * 1024


def load(name: str):  # type: ignore[no-untyped-def]
    return parse_document(name, (GUIDELINES / name).read_bytes(), max_bytes=20 * MB)


def sections(document) -> dict[tuple[str, ...], str]:  # type: ignore[no-untyped-def]
    return {section.path: section.text for section in document.sections}


def test_markdown_headings_become_section_paths() -> None:
    document = load("product-names-and-terminology.md")
    assert document.title == "Tidewell product names and terminology"
    paths = sections(document)
    assert ("Product names", "Rules for product names") in paths
    assert any("cheap" in text for text in paths.values())
    assert all(section.page is None for section in document.sections)


def test_pdf_pages_and_visible_headings() -> None:
    document = load("legal-disclaimers.pdf")
    assert document.title == "Tidewell legal disclaimers"
    by_path = sections(document)
    assert ("Free-trial disclaimer",) in by_path
    trial = next(s for s in document.sections if s.path == ("Free-trial disclaimer",))
    assert "Free trial: 30 days, no credit card required." in trial.text
    assert trial.page == 2
    assert {s.page for s in document.sections} >= {1, 2, 3, 4}
    assert not any("page 4 of 8" in s.text for s in document.sections), "running footers are dropped"


def test_docx_heading_styles() -> None:
    document = load("channel-guide-social.docx")
    assert document.title == "Tidewell social channel guide"
    top_level = {s.path[0] for s in document.sections if s.path}
    assert {"LinkedIn", "X (Twitter)", "Slack"} <= top_level
    assert any(s.path[:2] == ("LinkedIn", "Length limits") and "3,000" in s.text for s in document.sections)


def test_html_headings_and_lists() -> None:
    document = load("channel-guide-email.html")
    assert document.title.startswith("Tidewell")
    assert any(len(path) >= 1 and "Subject lines" in path[-1] for path in sections(document))
    assert not any(re.search(r"</?(p|li|ul|h\d)\b", text) for text in sections(document).values())
    assert any("<hello@tidewell.example>" in text for text in sections(document).values()), "entities decoded"


def test_text_setext_headings() -> None:
    document = load("channel-guide-blog.txt")
    assert document.title == "Tidewell blog channel guide"
    assert any(path and path[0] == "Length" for path in sections(document))


def test_markdown_front_matter_setext_and_code_fences() -> None:
    text = (
        "---\ntitle: Style\nlayout: x\n---\nIntro.\n\nVoice\n=====\nPlain.\n\n```\n# not a heading\n```\n## Tone\nCalm."
    )
    document = parse_document("style.md", text.encode(), max_bytes=MB)
    assert document.title == "Style"
    assert sections(document) == {
        (): "Intro.",
        ("Voice",): "Plain.\n\n```\n# not a heading\n```",
        ("Voice", "Tone"): "Calm.",
    }


def test_text_files_read_hash_lines_as_prose() -> None:
    document = parse_document("notes.txt", b"# 1 rule\nAlways say Tidewell.", max_bytes=MB)
    assert sections(document) == {(): "# 1 rule\nAlways say Tidewell."}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
        ("empty.md", b"", "file is empty"),
        ("blank.txt", b"   \n\n  ", "file is empty"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf at all", "not a readable PDF"),
        ("broken.docx", b"not a zip file", "not a readable DOCX"),
        ("latin.txt", "caf\u00e9".encode("latin-1"), "not UTF-8 text"),
        ("binary.md", b"abc\x00def", "binary file"),
        ("headings.md", b"# Only a title\n", "no text found"),
    ],
)
def test_bad_input_is_refused_with_the_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoaderError, match=reason.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        parse_document(name, data, max_bytes=MB)


def test_oversize_file_is_refused() -> None:
    with pytest.raises(LoaderError, match=r"over the 1 MB limit"):
        parse_document("big.md", b"x" * (MB + 1), max_bytes=MB)


def test_docx_zip_without_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(LoaderError, match="not a readable DOCX"):
        parse_document("fake.docx", buffer.getvalue(), max_bytes=MB)


def test_folder_walk_skips_rule_folders_and_hidden_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from brandbot.guidelines.knowledge_base import SourceFile, expand_paths

    (tmp_path / "rules" / "Vocab" / "Brand").mkdir(parents=True)
    (tmp_path / "rules" / "config.yml").write_text("styles: [Brand]\n")
    (tmp_path / "rules" / "Vocab" / "Brand" / "accept.txt").write_text("Tidewell\n")
    (tmp_path / ".drafts").mkdir()
    (tmp_path / ".drafts" / "x.md").write_text("# x\n\ny")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "voice.md").write_text("# Voice\n\nCalm.")
    (tmp_path / "notes.txt").write_text("Plain.")
    names = [item.name for item in expand_paths([tmp_path]) if isinstance(item, SourceFile)]
    assert names == ["notes.txt", "sub/voice.md"]
