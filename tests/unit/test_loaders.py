"""Each loader on the real shipped files, and every refusal on bad input: crafted hostile files
(zip bombs, malformed XML, encrypted parts, PDFs past their limits, 50,000-level HTML) included,
read in-process and in the child process the knowledge base reads untrusted files in."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest

from brandbot.guidelines.document import LoaderError
from brandbot.guidelines.loaders import isolated, parse_document
from brandbot.guidelines.loaders.isolated import parse_isolated
from brandbot.guidelines.loaders.limits import ParseLimits
from tests.conftest import GUIDELINES, SHIPPED
from tests.support.hostile_files import DOCX, blank_pdf, docx_with, encrypted, spaces

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


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A .docx whose document part unpacks from about 300 KB to 300 MB."""
    return docx_with("word/document.xml", spaces(300))


def test_a_docx_bomb_is_refused_before_python_docx_opens_it(bomb: bytes) -> None:
    assert len(bomb) < MB
    with pytest.raises(LoaderError, match=r"DOCX refused: 'word/document.xml' unpacks to \d+ times its size"):
        parse_document("bomb.docx", bomb, max_bytes=20 * MB)


def test_a_docx_that_unpacks_past_the_total_is_refused() -> None:
    incompressible = docx_with("word/media/noise.bin", os.urandom(2 * MB))
    limits = ParseLimits(max_unpacked_bytes=MB)
    with pytest.raises(LoaderError, match=r"DOCX refused: unpacks to 2\.\d MB, over the 1 MB limit"):
        parse_document("big.docx", incompressible, max_bytes=20 * MB, limits=limits)


def test_the_child_process_runs_out_of_memory_not_the_bot(bomb: bytes) -> None:
    """With the zip checks off, python-docx unpacks the bomb, in the child, under its RLIMIT_AS."""
    unchecked = ParseLimits(max_unpacked_bytes=1 << 40, max_zip_ratio=1e9, memory_bytes=256 * MB)
    with pytest.raises(LoaderError, match=r"needs more than the 256 MB of memory allowed"):
        parse_isolated("bomb.docx", bomb, max_bytes=20 * MB, limits=unchecked)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("malformed.docx", docx_with("word/document.xml", b"<w:document><w:body><w:p>"), "malformed XML"),
        ("locked.docx", encrypted(DOCX.read_bytes()), "DOCX refused: '.*' is encrypted"),
        ("scan.DOCX", b"PK\x05\x06" + b"\x00" * 18, "not a readable DOCX"),
    ],
)
def test_broken_docx_files_are_one_line_refusals(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(LoaderError, match=reason) as refused:
        parse_document(name, data, max_bytes=MB)
    assert "\n" not in isolated.one_line(str(refused.value))


def test_a_pdf_over_the_page_limit_is_refused_before_any_page_is_read() -> None:
    with pytest.raises(LoaderError, match="the PDF has 6 pages, over the 5-page limit"):
        parse_document("long.PDF", blank_pdf(6), max_bytes=MB, limits=ParseLimits(max_pdf_pages=5))


def test_a_pdf_past_the_time_limit_stops_between_pages() -> None:
    data = (GUIDELINES / "legal-disclaimers.pdf").read_bytes()
    with pytest.raises(LoaderError, match=r"reading the PDF took over 0 s \(stopped at page 1 of \d+\)"):
        parse_document("legal.pdf", data, max_bytes=MB, limits=ParseLimits(time_limit_s=0))


def test_html_nested_50000_deep_is_read_in_one_pass_without_recursion() -> None:
    """Each level holds a paragraph: the old walk went up every ancestor of each (50,000 x 50,000
    steps, hours); a recursive one would pass the recursion limit set here."""
    depth = 50_000
    page = "<html><body>" + "<div><p>Say Tidewell.</p>" * depth + "</div>" * depth + "</body></html>"
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        document = parse_document("deep.html", page.encode(), max_bytes=20 * MB)
    finally:
        sys.setrecursionlimit(previous)
    [section] = document.sections
    assert section.text.split("\n\n") == ["Say Tidewell."] * depth


def test_upper_case_extensions_read_like_lower_case() -> None:
    for name in ("voice-and-tone.md", "legal-disclaimers.pdf", "channel-guide-social.docx", "channel-guide-email.html"):
        data = (GUIDELINES / name).read_bytes()
        upper = name.rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1].upper()
        assert parse_document(upper, data, max_bytes=20 * MB) == parse_document(name, data, max_bytes=20 * MB)


def test_the_child_process_reads_the_shipped_guidelines_exactly_as_in_process() -> None:
    for name in sorted(SHIPPED):
        data = (GUIDELINES / name).read_bytes()
        child = parse_isolated(name, data, max_bytes=20 * MB, limits=ParseLimits())
        assert child == parse_document(name, data, max_bytes=20 * MB), name


def test_refusals_come_back_from_the_child_as_one_line() -> None:
    with pytest.raises(LoaderError, match=r"^not UTF-8 text \(bad byte at offset 3\)$"):
        parse_isolated("latin.txt", "caf\u00e9".encode("latin-1"), max_bytes=MB, limits=ParseLimits())


def test_a_child_past_its_time_limit_is_killed_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """No start-up allowance and a millisecond: the child is still starting when it is killed."""
    monkeypatch.setattr(isolated, "STARTUP_S", 0.0)
    with pytest.raises(LoaderError, match=r"reading it took over the 0.001 s limit"):
        parse_isolated("voice.md", b"# Voice\n\nCalm.", max_bytes=MB, limits=ParseLimits(time_limit_s=0.001))


def test_text_past_the_unpacked_limit_is_refused_by_the_child() -> None:
    words = b"Say Tidewell. " * 150_000
    with pytest.raises(
        LoaderError, match=r"^the text read from it comes to over 1 MB, the most one document may hold$"
    ):
        parse_isolated("long.txt", words, max_bytes=20 * MB, limits=ParseLimits(max_unpacked_bytes=MB))


@pytest.mark.parametrize(("stream", "redirect"), [("output", ""), ("messages", " >&2")])
def test_a_child_that_floods_its_output_is_stopped_at_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: str, redirect: str
) -> None:
    """A parser that prints without end, in place of the child: what the bot keeps of it is capped."""
    flood = tmp_path / "flood.sh"
    flood.write_text(f"#!/bin/sh\nhead -c {60 * MB} /dev/zero{redirect}\n")
    flood.chmod(0o755)
    monkeypatch.setattr(isolated.sys, "executable", str(flood))
    limits = ParseLimits(max_unpacked_bytes=MB)
    with pytest.raises(
        LoaderError, match=rf"^reading it made the parser write over \d+ MB of {stream}, the most allowed$"
    ):
        parse_isolated("flood.md", b"# Voice\n\nCalm.", max_bytes=MB, limits=limits)
