"""`brandbot eval retrieval`: each golden question against each retriever, scored by rank, per
split: tune on `dev`, judge on `held-out`."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import get_args

from brandbot.evaluation.golden import GoldenSet, Question, Split
from brandbot.evaluation.metrics import mrr_at, ndcg_at, recall_at
from brandbot.guidelines.knowledge_base import KnowledgeBase, Retriever
from brandbot.guidelines.vector_index import StoredChunk

DEPTH = 10
RETRIEVERS: tuple[Retriever, ...] = get_args(Retriever)
SPLITS: tuple[Split, ...] = get_args(Split)
RERANKER_NOTE = "no cross-encoder reranker is available offline here (no model hub); not measured"


@dataclass(frozen=True)
class Miss:
    """A question whose answer was not in the top 5, with what came back instead."""

    id: str
    question: str
    expected: list[str]
    returned: list[str]


@dataclass
class RetrieverScore:
    split: str
    retriever: str
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    ndcg_at_10: float
    misses: list[Miss] = field(default_factory=list)


@dataclass
class RetrievalReport:
    corpus: str
    questions: dict[str, int]
    """Per split."""
    chunks: int
    scores: list[RetrieverScore]
    """One per split and retriever."""
    reranker: str = RERANKER_NOTE

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def evaluate(
    knowledge_base: KnowledgeBase,
    golden: GoldenSet,
    corpus: str,
    on_question: Callable[[], None] | None = None,
) -> RetrievalReport:
    chunks = knowledge_base.index.chunks(knowledge_base.live_keys())
    in_corpus = {question.id: sum(_answers(question, chunk) for chunk in chunks) for question in golden.questions}
    splits = {split: [q for q in golden.questions if golden.split_of(q) == split] for split in SPLITS}
    splits = {split: questions for split, questions in splits.items() if questions}
    scores = []
    for retriever in RETRIEVERS:
        for split, questions in splits.items():
            rows: list[tuple[float, float, float, float, float]] = []
            misses = []
            for question in questions:
                passages = knowledge_base.search(question.question, DEPTH, retriever=retriever)
                relevant = [question.answered_by(passage) for passage in passages]
                rows.append(
                    (
                        recall_at(1, relevant),
                        recall_at(5, relevant),
                        recall_at(10, relevant),
                        mrr_at(10, relevant),
                        ndcg_at(10, relevant, in_corpus[question.id]),
                    )
                )
                if not any(relevant[:5]):
                    misses.append(
                        Miss(
                            question.id,
                            question.question,
                            [f"{a.document} > {a.section or repr(a.quote)}" for a in question.answers],
                            [f"{p.source} > {p.section}" for p in passages[:5]],
                        )
                    )
                if on_question:
                    on_question()
            r1, r5, r10, mrr, ndcg = (round(statistics.fmean(column), 4) for column in zip(*rows, strict=True))
            scores.append(RetrieverScore(split, retriever, r1, r5, r10, mrr, ndcg, misses=misses))
    return RetrievalReport(corpus, {split: len(qs) for split, qs in splits.items()}, len(chunks), scores)


def unanswerable(knowledge_base: KnowledgeBase, golden: GoldenSet) -> list[str]:
    """Questions no chunk of the corpus answers: a broken golden entry, not a retrieval miss."""
    chunks = knowledge_base.index.chunks(knowledge_base.live_keys())
    return [q.id for q in golden.questions if not any(_answers(q, chunk) for chunk in chunks)]


def _answers(question: Question, chunk: StoredChunk) -> bool:
    return any(answer.matches(chunk.source, chunk.section, chunk.text) for answer in question.answers)
