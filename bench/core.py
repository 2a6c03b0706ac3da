"""Core benchmarks, each a ratio or a split measured within this one run.

1. Ingest throughput (chunks/s) of the shipped guidelines and of ../shared/corpora, against
   sentence-transformers encoding the same chunk texts and their sentences directly (what ingest
   embeds), and what the sentence index adds to encoding.             goal: ratio >= 0.9
2. Hybrid search latency, p50 and p95, over 10,000 chunks.             goal: p95 < 50 ms
3. One request's wall time split into retrieval, LLM and the rest.     goal: rest < 5 %

Needs the local LLM for part 3 (`brandbot llm serve`). Run: .venv/bin/python bench/core.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sentence_transformers import SentenceTransformer

from brandbot.config import Settings
from brandbot.evaluation.golden import corpora_root
from brandbot.guidelines.chunker import sentences
from brandbot.guidelines.embeddings import embedding_function, resolve_model
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.services import Services

REPO = Path(__file__).resolve().parents[1]
CORPORA = corpora_root(Settings(_env_file=None).corpora, REPO)  # type: ignore[call-arg]
QUERIES = [
    "can I say cheap?",
    "how do we write dates in emails?",
    "free trial disclaimer",
    "how long can a LinkedIn post be?",
    "should we use exclamation marks",
    "writing about people with disabilities",
    "how do I write numbers and percentages",
    "tone when there is an outage",
    "hashtags on social media",
    "active or passive voice",
]


def fresh_settings(name: str, **overrides: Any) -> Settings:
    directory = Path(tempfile.mkdtemp(prefix=f"brandbot-bench-{name}-"))
    return Settings(_env_file=None, data_dir=directory, approvers=["bob"], **overrides)  # type: ignore[call-arg]


def files_of(*paths: Path) -> list[SourceFile]:
    return [item for item in expand_paths(paths) if isinstance(item, SourceFile)]


def ingest_ratio(label: str, files: list[SourceFile]) -> None:
    services = Services(fresh_settings("ingest"))
    knowledge_base = services.knowledge_base
    encoder = SentenceTransformer(resolve_model(services.settings.embedding_model), device="cpu")
    encoder.encode(["warm up the model"])
    embedding_function(services.settings.embedding_model)(["warm up the model"])
    started = time.perf_counter()
    results = knowledge_base.add(files, "bench")
    ingest_s = time.perf_counter() - started
    chunks = sum(result.chunks for result in results)
    texts = [chunk.text for chunk in knowledge_base.index.chunks(knowledge_base.live_keys())]
    started = time.perf_counter()
    encoder.encode(texts, batch_size=32, normalize_embeddings=True)
    chunks_s = time.perf_counter() - started
    started = time.perf_counter()
    encoder.encode([s for text in texts for s in sentences(text)], batch_size=32, normalize_embeddings=True)
    encode_s = chunks_s + time.perf_counter() - started
    ingest_rate, encode_rate = chunks / ingest_s, len(texts) / encode_s
    print(
        f"  {label:<22} {len(files):>4} files {chunks:>6} chunks   ingest {ingest_rate:7.1f} chunks/s   "
        f"encode only (chunks and their sentences) {encode_rate:7.1f} chunks/s   ratio {ingest_rate / encode_rate:.2f}"
        f"  (goal >= 0.90); the sentence index costs {encode_s / chunks_s:.2f}x the chunks' encoding"
    )
    services.close()


def search_latency(target_chunks: int = 10_000) -> None:
    services = Services(fresh_settings("search"))
    knowledge_base = services.knowledge_base
    base = files_of(CORPORA) if CORPORA.exists() else files_of(REPO / "guidelines")
    copies: list[SourceFile] = []
    chunks = 0
    copy = 0
    print(f"  building {target_chunks} chunks from copies of {len(base)} files (a few minutes) ...", flush=True)
    while chunks < target_chunks:
        batch = [SourceFile(f"copy{copy}/{source.name}", source.size, source.read) for source in base]
        chunks += sum(result.chunks for result in knowledge_base.add(batch, "bench"))
        copies.extend(batch)
        copy += 1
    knowledge_base.search("warm up")
    timings = []
    for _ in range(10):
        for query in QUERIES:
            started = time.perf_counter()
            knowledge_base.search(query, 5)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"  {chunks} chunks, {len(timings)} queries: p50 {p50:.1f} ms   p95 {p95:.1f} ms  (goal p95 < 50 ms)")
    services.close()


def timed(record: dict[str, float], key: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record[key] = record.get(key, 0.0) + time.perf_counter() - started

    return wrapper


def request_split() -> None:
    services = Services(fresh_settings("request"))
    if not services.llm.healthy():
        print("  skipped: no LLM answers at", services.settings.llm_base_url, "(run `brandbot llm serve`)")
        return
    services.knowledge_base.add(files_of(REPO / "guidelines"), "bench")
    engine = services.engine
    engine.ask("alice", "Warm-up: a short X post about Tidewell Backup")
    spent: dict[str, float] = {}
    services.knowledge_base.search = timed(spent, "retrieval", services.knowledge_base.search)  # type: ignore[method-assign]
    services.llm.complete = timed(spent, "llm", services.llm.complete)  # type: ignore[method-assign]
    started = time.perf_counter()
    run = engine.ask("alice", "Write a LinkedIn post announcing our new backup feature")
    total = time.perf_counter() - started
    rest = total - spent.get("retrieval", 0.0) - spent.get("llm", 0.0)
    assert run.draft is not None, run.error
    print(
        f"  total {total:.2f} s = retrieval {spent['retrieval']:.3f} s ({spent['retrieval'] / total:.1%}) + "
        f"LLM {spent['llm']:.2f} s ({spent['llm'] / total:.1%}) + rest {rest:.3f} s ({rest / total:.1%})  "
        f"(goal rest < 5 %; model {run.draft.model})"
    )
    services.close()


def main() -> None:
    parts = set(sys.argv[1:]) or {"ingest", "search", "request"}
    if "ingest" in parts:
        print("Ingest throughput")
        ingest_ratio("shipped guidelines", files_of(REPO / "guidelines"))
        if CORPORA.exists():
            ingest_ratio("shared/corpora", files_of(CORPORA))
    if "search" in parts:
        print("Hybrid search latency")
        search_latency()
    if "request" in parts:
        print("One request, wall time split")
        request_split()


if __name__ == "__main__":
    main()
