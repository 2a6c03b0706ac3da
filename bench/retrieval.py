"""Ways to rank guideline passages, compared on the golden sets' development and held-out splits.

Every corpus is cut as ingestion cuts it; each chunk is embedded whole, as its body alone and as
its breadcrumb alone, and indexed for BM25 the same three ways. Each strategy below ranks the
chunks from those signals, and is scored per split on recall@1/5, MRR@10 and nDCG@10. Tune on
`dev`; `held-out` is read once, for the strategies chosen on `dev`.

Run: .venv/bin/python bench/retrieval.py [--split dev|held-out|all] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from brandbot.config import Settings
from brandbot.evaluation.golden import GoldenSet, Question, load_golden, resolve_corpus
from brandbot.evaluation.metrics import mrr_at, ndcg_at, recall_at
from brandbot.guidelines import keyword_index
from brandbot.guidelines.chunker import chunk_document, sentences
from brandbot.guidelines.embeddings import embedding_function, token_counter
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.guidelines.loaders import parse_document

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "eval" / "golden"


@dataclass
class Chunk:
    source: str
    section: str
    crumb: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.crumb}\n\n{self.body}"


@dataclass
class Signals:
    """Per question (rows) and chunk (columns): cosine similarities and BM25 scores."""

    dense: np.ndarray
    dense_body: np.ndarray
    dense_crumb: np.ndarray
    bm25: np.ndarray
    bm25_body: np.ndarray
    bm25_crumb: np.ndarray
    dense_piece: np.ndarray
    """Best cosine over the chunk's paragraphs, each embedded with the breadcrumb."""
    dense_sentence: np.ndarray
    """Best cosine over the chunk's sentences and list items, each embedded with the breadcrumb."""


def load_chunks(corpus: Path, settings: Settings) -> list[Chunk]:
    count = token_counter(settings.embedding_model)
    chunks = []
    for source in expand_paths([corpus]):
        assert isinstance(source, SourceFile), source
        document = parse_document(source.name, source.read(), max_bytes=settings.max_upload_bytes)
        for piece in chunk_document(document, count, settings.chunk_max_tokens):
            crumb, _, body = piece.text.partition("\n\n")
            chunks.append(Chunk(source.name, " > ".join(piece.section), crumb, body))
    return chunks


def bm25_matrix(texts: list[str], queries: list[str]) -> np.ndarray:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(keyword_index._tokens(texts), show_progress=False)
    scores = np.zeros((len(queries), len(texts)))
    for row, query in enumerate(queries):
        tokens = keyword_index._tokens([query])
        if any(tokens[0]):
            scores[row] = retriever.get_scores(tokens[0])
    return scores


def signals(chunks: list[Chunk], queries: list[str], settings: Settings) -> Signals:
    embed = embedding_function(settings.embedding_model)
    q = np.array(embed(queries))

    def cos(texts: list[str]) -> np.ndarray:
        return q @ np.array(embed(texts)).T

    def best_piece(split: Callable[[Chunk], list[str]]) -> np.ndarray:
        owners, texts = [], []
        for number, chunk in enumerate(chunks):
            for piece in split(chunk):
                owners.append(number)
                texts.append(piece)
        sims = cos(texts)
        best = np.full((len(queries), len(chunks)), -1.0)
        for column, owner in enumerate(owners):
            best[:, owner] = np.maximum(best[:, owner], sims[:, column])
        return best

    def paragraphs(body: str) -> list[str]:
        return [part.strip() for part in body.split("\n\n") if part.strip()]

    return Signals(
        dense_piece=best_piece(lambda c: [f"{c.crumb}: {part}" for part in paragraphs(c.body)] or [c.text]),
        dense_sentence=best_piece(lambda c: sentences(c.text)),
        dense=cos([c.text for c in chunks]),
        dense_body=cos([c.body for c in chunks]),
        dense_crumb=cos([c.crumb for c in chunks]),
        bm25=bm25_matrix([c.text for c in chunks], queries),
        bm25_body=bm25_matrix([c.body for c in chunks], queries),
        bm25_crumb=bm25_matrix([c.crumb for c in chunks], queries),
    )


Strategy = Callable[[Signals, int, list[Chunk]], np.ndarray]
"""Scores of every chunk for question `row`; higher ranks first."""


def ranks(scores: np.ndarray, depth: int) -> np.ndarray:
    """1-based rank of each chunk in `scores` within the top `depth` (with a positive score
    for BM25-like signals), else 0."""
    order = np.argsort(-scores, kind="stable")[:depth]
    out = np.zeros(len(scores), dtype=int)
    out[order] = np.arange(1, len(order) + 1)
    return out


def rrf(signal_weights: list[tuple[str, float]], k: float = 60, depth: int = 10) -> Strategy:
    def score(s: Signals, row: int, chunks: list[Chunk]) -> np.ndarray:
        total = np.zeros(len(chunks))
        for name, weight in signal_weights:
            values = getattr(s, name)[row]
            r = ranks(values, depth)
            if name.startswith("bm25"):
                r = np.where(values > 0, r, 0)
            total += np.where(r > 0, weight / (k + r), 0.0)
        return total

    return score


def minmax(values: np.ndarray, depth: int) -> np.ndarray:
    """Scaled to [0, 1] over the top `depth`; the rest score 0."""
    top = np.sort(values)[::-1][:depth]
    low, high = top[-1], top[0]
    if high <= low:
        return np.where(values >= high, 1.0, 0.0)
    return np.clip((values - low) / (high - low), 0.0, None) * (values >= low)


Scale = Callable[[str, np.ndarray], np.ndarray]
"""Puts one signal's scores (named) on the scale the weights apply to."""


def weighted(signal_weights: list[tuple[str, float]], scale: Scale) -> Strategy:
    """Score fusion: the weighted sum of each signal's scaled scores."""

    def score(s: Signals, row: int, chunks: list[Chunk]) -> np.ndarray:
        total = np.zeros(len(chunks))
        for name, weight in signal_weights:
            total += weight * scale(name, getattr(s, name)[row])
        return total

    return score


def from_zero(values: np.ndarray) -> np.ndarray:
    best = values.max()
    return values / best if best > 0 else values * 0


def convex(signal_weights: list[tuple[str, float]], depth: int = 20, bm25_floor_zero: bool = False) -> Strategy:
    """Min-max scaled over the top `depth`; BM25 optionally from 0 instead."""
    return weighted(
        signal_weights,
        lambda name, v: from_zero(v) if bm25_floor_zero and name.startswith("bm25") else minmax(v, depth),
    )


def zscore(signal_weights: list[tuple[str, float]]) -> Strategy:
    """Standardised over all chunks."""
    return weighted(signal_weights, lambda _, v: (v - v.mean()) / v.std() if v.std() > 0 else v * 0)


def bm25_relative(signal_weights: list[tuple[str, float]]) -> Strategy:
    """Cosine as is, BM25 divided by the query's best BM25 score."""
    return weighted(signal_weights, lambda name, v: from_zero(v) if name.startswith("bm25") else v)


def with_parent(base: Strategy, weight: float) -> Strategy:
    """Adds the best score among a chunk's section siblings (same document and section)."""

    def score(s: Signals, row: int, chunks: list[Chunk]) -> np.ndarray:
        values = base(s, row, chunks)
        best: dict[tuple[str, str], float] = {}
        for chunk, value in zip(chunks, values, strict=True):
            key = (chunk.source, chunk.section)
            best[key] = max(best.get(key, 0.0), float(value))
        return values + weight * np.array([best[(c.source, c.section)] for c in chunks])

    return score


def strategies() -> dict[str, Strategy]:
    """What was tried, in the order `bench/RESULTS.md` reports it. `shipped` is the product's."""
    found: dict[str, Strategy] = {
        "dense (whole chunk)": lambda s, row, chunks: s.dense[row],
        "dense (best sentence)": lambda s, row, chunks: s.dense_sentence[row],
        "keyword (BM25)": lambda s, row, chunks: s.bm25[row],
        "rrf k60 top10 (before)": rrf([("dense", 1), ("bm25", 1)]),
    }
    for k in (2, 10):
        found[f"rrf k{k} top10"] = rrf([("dense", 1), ("bm25", 1)], k=k)
    for depth in (5, 50):
        found[f"rrf k60 top{depth}"] = rrf([("dense", 1), ("bm25", 1)], depth=depth)
    for w in (0.6, 0.7):
        found[f"rrf k10 top10, dense weight {w}"] = rrf([("dense", w), ("bm25", 1 - w)], k=10)
    for w in (0.6, 0.7, 0.8):
        found[f"scores min-max top50, dense {w}"] = convex([("dense", w), ("bm25", 1 - w)], depth=50)
        found[f"scores z-score, dense {w}"] = zscore([("dense", w), ("bm25", 1 - w)])
        found[f"scores cos + bm25/max, dense {w}"] = bm25_relative([("dense", w), ("bm25", 1 - w)])
    for c in (0.1, 0.2):
        found[f"breadcrumb embedded apart, weight {c}"] = convex(
            [("dense", 0.7), ("dense_crumb", c), ("bm25", 0.3)], depth=50
        )
        found[f"breadcrumb BM25 apart, weight {c}"] = convex(
            [("dense", 0.7), ("bm25_body", 0.3 - c / 2), ("bm25_crumb", c / 2)], depth=50
        )
    found["body embedded without breadcrumb"] = convex([("dense_body", 0.7), ("bm25", 0.3)], depth=50)
    for p in (0.1, 0.3):
        found[f"parent section, weight {p}"] = with_parent(convex([("dense", 0.7), ("bm25", 0.3)], depth=50), p)
    found["best paragraph 0.7 of dense 0.7"] = convex([("dense", 0.21), ("dense_piece", 0.49), ("bm25", 0.3)], depth=50)
    for w, m in ((0.6, 0.7), (0.7, 0.5), (0.7, 0.85), (0.7, 1.0), (0.8, 0.7)):
        found[f"best sentence {m} of dense {w}"] = convex(
            [("dense", w * (1 - m)), ("dense_sentence", w * m), ("bm25", 1 - w)], depth=50
        )
    found["shipped: best sentence 0.7 of dense 0.7, BM25 from 0"] = convex(
        [("dense", 0.21), ("dense_sentence", 0.49), ("bm25", 0.3)], depth=50, bm25_floor_zero=True
    )
    return found


@dataclass
class Score:
    r1: float
    r5: float
    mrr: float
    ndcg: float
    n: int


def evaluate(strategy: Strategy, s: Signals, questions: list[Question], rows: list[int], chunks: list[Chunk]) -> Score:
    table = []
    for question, row in zip(questions, rows, strict=True):
        relevant_all = [any(a.matches(c.source, c.section, c.text) for a in question.answers) for c in chunks]
        order = np.argsort(-strategy(s, row, chunks), kind="stable")[:10]
        relevant = [relevant_all[i] for i in order]
        ndcg = ndcg_at(10, relevant, sum(relevant_all))
        table.append((recall_at(1, relevant), recall_at(5, relevant), mrr_at(10, relevant), ndcg))
    r1, r5, mrr, ndcg = (statistics.fmean(col) for col in zip(*table, strict=True))
    return Score(r1, r5, mrr, ndcg, len(table))


REWRITE_SCHEMA = {
    "title": "search_query",
    "type": "object",
    "properties": {"query": {"type": "string", "maxLength": 160}},
    "required": ["query"],
    "additionalProperties": False,
}


def rewrites(questions: list[str], settings: Settings) -> list[str]:
    """The local LLM's fuller search query for each question, cached across runs."""
    import json

    from brandbot.llm import LLMClient

    cache_path = settings.data_dir / "eval" / "rewrites.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    client = LLMClient(settings)
    try:
        for question in questions:
            if question in cache:
                continue
            answer = client.complete_json(
                [
                    {
                        "role": "system",
                        "content": "You turn a staff member's question about a writing style guide into one "
                        "search query for the style guide: the topic in plain words, with the usual style-guide "
                        "terms for it. Answer with JSON.",
                    },
                    {"role": "user", "content": question},
                ],
                REWRITE_SCHEMA,
                max_tokens=80,
            )
            cache[question] = str((answer or {}).get("query", "")).strip()
    finally:
        client.close()
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache_path.write_text(json.dumps(cache, indent=1))
    return [cache[question] for question in questions]


def show_misses(strategy: Strategy, s: Signals, questions: list[Question], chunks: list[Chunk]) -> None:
    for row, question in enumerate(questions):
        order = np.argsort(-strategy(s, row, chunks), kind="stable")[:5]
        top = [chunks[i] for i in order]
        hits = [any(a.matches(c.source, c.section, c.text) for a in question.answers) for c in top]
        if not hits[0]:
            rank = hits.index(True) + 1 if any(hits) else "-"
            expected = "; ".join(f"{a.document} > {a.section or a.quote}" for a in question.answers)
            print(f"[{rank}] {question.question}\n    want {expected}\n    got  {top[0].source} > {top[0].section}")


def golden_by_corpus(settings: Settings) -> dict[Path, list[tuple[GoldenSet, Question]]]:
    found: dict[Path, list[tuple[GoldenSet, Question]]] = {}
    for path in sorted(GOLDEN.rglob("*.yaml")):
        golden = load_golden(path)
        corpus = resolve_corpus(golden.corpus, path, REPO, settings.corpora)
        found.setdefault(corpus, []).extend((golden, q) for q in golden.questions)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "held-out", "all"])
    parser.add_argument("--only", default="", help="strategy names, separated by semicolons")
    parser.add_argument("--misses", default="", help="list the questions this strategy ranks wrong at 1")
    parser.add_argument(
        "--rewrite",
        choices=["none", "all", "terse"],
        default="none",
        help="add the LLM's rewrite to every question, or to those of at most 6 words (needs `brandbot llm serve`)",
    )
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    chosen = strategies()
    if args.only:
        chosen = {name: chosen[name] for name in args.only.split(";")}
    results: dict[str, list[Score]] = {name: [] for name in chosen}
    corpora = []
    for corpus, entries in golden_by_corpus(settings).items():
        picked = [(g, q) for g, q in entries if args.split == "all" or g.split_of(q) == args.split]
        if not picked:
            continue
        chunks = load_chunks(corpus, settings)
        questions = [q for _, q in picked]
        texts = [q.question for q in questions]
        if args.rewrite != "none":
            texts = [
                f"{text} {rewrite}" if args.rewrite == "all" or len(text.split()) <= 6 else text
                for text, rewrite in zip(texts, rewrites(texts, settings), strict=True)
            ]
        s = signals(chunks, texts, settings)
        corpora.append(f"{corpus.name} ({len(questions)} q, {len(chunks)} chunks)")
        for name, strategy in chosen.items():
            results[name].append(evaluate(strategy, s, questions, list(range(len(questions))), chunks))
        if args.misses:
            show_misses(strategies()[args.misses], s, questions, chunks)
    print(f"split: {args.split}; corpora: " + "; ".join(corpora))
    header = " | ".join(f"{c.split(' ')[0][:10]:>10} R@1  R@5  nDCG" for c in corpora)
    print(f"{'strategy':52} | {header} | mean R@1 nDCG")
    for name, scores in results.items():
        cells = " | ".join(f"{'':>10} {s.r1:.2f} {s.r5:.2f} {s.ndcg:.3f}" for s in scores)
        mean_r1 = statistics.fmean(s.r1 for s in scores)
        mean_ndcg = statistics.fmean(s.ndcg for s in scores)
        print(f"{name[:52]:52} | {cells} | {mean_r1:.3f} {mean_ndcg:.3f}")


if __name__ == "__main__":
    main()
