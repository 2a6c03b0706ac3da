"""The knowledge base on the real embedding model and Chroma: ingest, replace, remove, refuse, survive a kill."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.guidelines.knowledge_base import KnowledgeBase, SourceFile, expand_paths
from brandbot.guidelines.vector_index import version_key
from brandbot.store.db import Database
from tests.conftest import GUIDELINES, SHIPPED, settings_env
from tests.integration import cli


@pytest.fixture
def kb(settings: Settings) -> Iterator[KnowledgeBase]:
    settings.ensure_dirs()
    db = Database(settings.resolved_database_url)
    db.create_schema()
    yield KnowledgeBase(settings, db)
    db.dispose()


def source(name: str, text: str) -> SourceFile:
    data = text.encode()
    return SourceFile(name, len(data), lambda: data)


def test_shipped_guidelines_ingest_and_search_as_json(settings: Settings) -> None:
    env = settings_env(settings)
    added = cli.run_json(env, "guidelines", "add", str(GUIDELINES))
    assert {item["source"] for item in added} == SHIPPED
    assert all(item["outcome"] == "added" and item["chunks"] > 0 for item in added)

    results = cli.run_json(env, "guidelines", "search", "can I call our prices cheap?", "--top-k", "5")
    assert len(results) == 5
    for item in results:
        assert {"text", "doc_id", "title", "source", "section", "version", "page", "score"} <= item.keys()
    assert results == sorted(results, key=lambda item: -item["score"])
    assert any("cheap" in item["text"] for item in results[:3])

    trial = cli.run_json(env, "guidelines", "search", "free trial disclaimer wording", "--top-k", "3")
    pdf_hits = [item for item in trial if item["source"] == "legal-disclaimers.pdf"]
    assert pdf_hits and all(isinstance(item["page"], int) for item in pdf_hits)

    again = cli.run(env, "guidelines", "add", str(GUIDELINES / "voice-and-tone.md"))
    assert "unchanged" in again.stdout


def test_changed_document_replaces_its_chunks(kb: KnowledgeBase) -> None:
    kb.add([source("brand.md", "# Brand\n\n## Colours\n\nOur colour is zebra teal.")], "admin")
    old = kb.registry.get("brand.md")
    assert old is not None and "zebra" in kb.search("zebra teal colour", 1)[0].text

    [result] = kb.add([source("brand.md", "# Brand\n\n## Colours\n\nOur colour is yak orange.")], "admin")
    assert result.outcome == "updated" and result.version != old.version
    hits = kb.search("zebra teal colour", 10)
    assert hits and all(hit.version == result.version for hit in hits)
    assert not any("zebra" in hit.text for hit in hits)
    assert kb.sweep() == old.chunk_count, "the old version's chunks are gone at the next write"


def test_stale_chunks_crowding_the_nearest_page_are_filtered_out(kb: KnowledgeBase) -> None:
    old = "\n\n".join(f"## Zebra {i}\n\nZebra teal is our colour, zebra teal {i}." for i in range(30))
    new = "\n\n".join(f"## Section {i}\n\nInvoices are sent monthly, invoice {i}." for i in range(30))
    kb.add([source("brand.md", f"# Brand\n\n{old}")], "admin")
    [result] = kb.add([source("brand.md", f"# Brand\n\n{new}")], "admin")
    hits = kb.index.query("zebra teal colour", kb.live_keys(), 5)
    for found in (hits.chunks, hits.sentences):
        assert len(found) == 5 and {chunk.version for chunk, _ in found} == {result.version}


def test_a_rule_stated_in_one_sentence_is_found_by_that_sentence(kb: KnowledgeBase) -> None:
    """The sentence index finds one rule among many in a chunk, where the whole chunk's embedding is
    mostly about the other rules."""
    rules = [
        "Headlines use sentence case.",
        "Buttons say what they do, such as Save changes.",
        "Error messages say what happened and what to do next.",
        "Never put two spaces after a full stop.",
        "Dates are written as 3 March 2026.",
        "Links describe where they go; never write click here.",
        "Tables have a header row.",
    ]
    kb.add([source("style.md", "# Style\n\n## Interface text\n\n" + " ".join(rules))], "admin")
    hits = kb.index.query("how many spaces between sentences?", kb.live_keys(), 3)
    [(best, similarity)] = hits.sentences[:1]
    assert best.source == "style.md" and similarity > hits.chunks[0][1]


def test_sentences_go_with_their_version_and_an_older_store_gets_them_at_the_sweep(
    settings: Settings, kb: KnowledgeBase
) -> None:
    import chromadb

    kb.add([source("brand.md", "# Brand\n\n## Colours\n\nOur colour is zebra teal. Never use yak orange.")], "admin")
    kb.add([source("brand.md", "# Brand\n\n## Colours\n\nOur colour is calm blue. Never use neon pink.")], "admin")
    assert all("blue" in chunk.text for chunk, _ in kb.index.query("zebra", kb.live_keys(), 5).sentences)

    client = chromadb.PersistentClient(
        path=str(settings.chroma_location), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )
    client.delete_collection(f"{settings.chroma_collection}-sentences")
    older = KnowledgeBase(settings, Database(settings.resolved_database_url))
    assert older.index.query("calm blue", older.live_keys(), 5).sentences == []
    older.sweep()
    [(chunk, _)] = older.index.query("calm blue", older.live_keys(), 5).sentences
    assert "calm blue" in chunk.text


def test_unchanged_document_is_left_alone(kb: KnowledgeBase) -> None:
    text = "# Brand\n\nCalm and plain."
    kb.add([source("brand.md", text)], "admin")
    count = kb.index.count()
    [result] = kb.add([source("brand.md", text)], "admin")
    assert result.outcome == "unchanged" and "nothing to do" in result.message
    assert kb.index.count() == count


def test_remove_takes_the_document_out_of_search(kb: KnowledgeBase) -> None:
    kb.add([source("a.md", "# A\n\nZebra teal."), source("b.md", "# B\n\nYak orange.")], "admin")
    assert kb.remove("a.md", "admin") is not None
    assert {hit.doc_id for hit in kb.search("zebra teal", 5)} == {"b.md"}
    assert kb.remove("a.md", "admin") is None


def test_bad_files_fail_one_by_one_and_the_rest_go_in(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add([source("keep.md", "# Keep\n\nThis stays searchable.")], "admin")
    (tmp_path / "good.md").write_text("# Good\n\nA fine guideline.")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "huge.md").write_bytes(b"a" * (kb._settings.max_upload_bytes + 1))
    files = [
        item
        for item in expand_paths(
            [tmp_path / name for name in ("good.md", "broken.pdf", "sheet.xlsx", "empty.txt", "huge.md")]
        )
        if isinstance(item, SourceFile)
    ]
    results = {result.source: result for result in kb.add(files, "admin")}
    assert results["good.md"].outcome == "added"
    assert "not a readable PDF" in (results["broken.pdf"].reason or "")
    assert "unsupported file type '.xlsx'" in (results["sheet.xlsx"].reason or "")
    assert results["empty.txt"].reason == "file is empty"
    assert "over the 20 MB limit" in (results["huge.md"].reason or "")
    assert {document.doc_id for document in kb.documents()} == {"keep.md", "good.md"}


def test_cli_reports_each_bad_file_in_one_line_and_exits_1(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"nope")
    result = cli.run(
        settings_env(settings),
        "guidelines",
        "add",
        str(tmp_path / "broken.docx"),
        str(tmp_path / "missing.md"),
        check=False,
    )
    assert result.returncode == 1
    assert "not a readable DOCX" in result.stdout and "no such file or folder" in result.stdout


def test_killed_mid_ingest_search_sees_old_or_new_never_a_mix(
    settings: Settings, kb: KnowledgeBase, tmp_path: Path
) -> None:
    kb.add([source("big.md", "# Big\n\n## Part 0\n\nOld version marker text.")], "admin")
    old = kb.registry.get("big.md")
    assert old is not None

    sections = [
        f"## Part {i}\n\n" + f"New version marker text number {i}, about backups and restores. " * 8 for i in range(500)
    ]
    (tmp_path / "big.md").write_text("# Big\n\n" + "\n\n".join(sections))
    process = cli.start(settings_env(settings), "-v", "guidelines", "add", str(tmp_path / "big.md"))
    assert process.stderr is not None
    for line in process.stderr:
        if "indexed 256/" in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL, "the ingest was killed half way"

    assert kb.registry.get("big.md").version == old.version  # type: ignore[union-attr]
    assert kb.index.count() > old.chunk_count, "part of the new version was written before the kill"
    hits = kb.search("version marker text", 20)
    assert hits and {hit.version for hit in hits} == {old.version}

    [result] = kb.add(list(expand_paths([tmp_path / "big.md"])), "admin")  # type: ignore[arg-type]
    assert result.outcome == "updated"
    hits = kb.search("version marker text", 20)
    assert {hit.version for hit in hits} == {result.version}
    kb.sweep()
    assert kb.index.count() == result.chunks
    assert version_key("big.md", result.version) in kb.live_keys()
