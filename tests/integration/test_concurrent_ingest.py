"""Writes to the knowledge base from several processes: the named lock, and two ingests at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from brandbot.guidelines.knowledge_base import KnowledgeBase, SourceFile
from brandbot.store.db import Database
from brandbot.store.locks import LockTimeout, exclusive
from tests.conftest import make_settings, settings_env
from tests.integration import cli

BIG_SECTIONS = 1200
"""Five embedding batches: the second ingest starts, and sweeps, while the first is still storing."""


@pytest.fixture
def db(empty_database: Database) -> Database:
    return empty_database


def test_second_holder_waits_for_the_first(db: Database) -> None:
    order: list[str] = []
    first_holds = threading.Event()
    second_started = threading.Event()

    def first() -> None:
        with exclusive(db, "ingest", 10):
            order.append("first in")
            first_holds.set()
            second_started.wait(10)
            time.sleep(0.3)  # the second is now waiting on the lock, not on its way to it
            order.append("first out")

    def second() -> None:
        first_holds.wait(10)
        second_started.set()
        with exclusive(db, "ingest", 10):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert order == ["first in", "first out", "second in"]


def test_a_held_lock_times_out_by_name_and_other_names_are_free(db: Database) -> None:
    with exclusive(db, "ingest", 1):
        with pytest.raises(LockTimeout, match="'ingest' lock"), exclusive(db, "ingest", 0.3):
            pass
        with exclusive(db, "rules", 1):
            pass
    with exclusive(db, "ingest", 1):
        pass


def test_a_killed_holder_in_another_process_frees_the_lock(db: Database) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from brandbot.store.db import Database
                from brandbot.store.locks import exclusive
                with exclusive(Database({db.url!r}), "ingest", 10):
                    print("held", flush=True)
                    time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout), exclusive(db, "ingest", 0.3):
            pass
    finally:
        holder.kill()
        holder.wait(10)
    with exclusive(db, "ingest", 10):
        pass


def test_two_ingests_in_two_processes_both_go_live_whole(tmp_path: Path) -> None:
    """The second ingest starts while the first is storing chunks it has not published yet: its
    sweep used to delete them, and the first then published a version with missing chunks."""
    settings = make_settings(tmp_path / "data", llm_base_url="http://127.0.0.1:9/v1")
    env = settings_env(settings)
    big = tmp_path / "big-rules.md"
    big.write_text(
        "# Big rules\n\n"
        + "\n\n".join(f"## Rule {i}\n\nKeep rule {i} short and plain." for i in range(BIG_SECTIONS))
        + "\n\n## Walrus\n\nOur mascot is a walrus in amber boots."
    )
    small = tmp_path / "colours.md"
    small.write_text("# Colours\n\n## Primary\n\nOur primary colour is zebra teal, never lime.")

    first = cli.start(env, "-v", "guidelines", "add", str(big), "--output", "json")
    assert first.stderr is not None
    seen = []
    for line in first.stderr:
        seen.append(line)
        if "indexed 256/" in line:
            break
    else:
        raise AssertionError(f"the first ingest never started storing:\n{''.join(seen)}")
    second = cli.start(env, "guidelines", "add", str(small), "--output", "json")
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, f"{process.args!r}: {stderr}\n{stdout}"

    settings.ensure_dirs()
    database = Database(settings.resolved_database_url)
    try:
        kb = KnowledgeBase(settings, database)
        documents = {document.doc_id: document for document in kb.documents()}
        assert documents.keys() == {"big-rules.md", "colours.md"}
        assert documents["big-rules.md"].chunk_count == BIG_SECTIONS + 1
        for doc_id, document in documents.items():
            assert len(kb.chunks_of(doc_id)) == document.chunk_count, f"{doc_id} went live with missing chunks"
        # among 1200 near-identical filler chunks the dense ranking is arbitrary; BM25's is not
        assert "colours.md" in {hit.doc_id for hit in kb.search("zebra teal", 3)}
        assert "Walrus" in {hit.section for hit in kb.search("walrus amber boots", 3)}

        data = small.read_bytes()
        [again] = kb.add([SourceFile(small.name, len(data), lambda: data)], "admin")
        assert again.outcome == "unchanged"
        assert len(kb.chunks_of("colours.md")) == documents["colours.md"].chunk_count
    finally:
        database.dispose()
