"""`brandbot eval answers`: answers to the golden questions (do their citations include a passage
that answers the question?) and to questions the guidelines don't cover (are they "not
covered"?), with the time each took, split into retrieval, the model and the rest."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from brandbot.config import Settings
from brandbot.evaluation.golden import GoldenSet, Question
from brandbot.guidelines.knowledge_base import KnowledgeBase
from brandbot.guidelines.retrieval import Passage
from brandbot.llm import LLMClient
from brandbot.workflow.answers import GuidelineAnswer, answer_question


class UncoveredQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str = Field(min_length=1)


class UncoveredSet(BaseModel):
    """Questions the corpus does not answer: each should get "not covered"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: str
    questions: list[UncoveredQuestion] = Field(min_length=1)


@dataclass(frozen=True)
class Outcome:
    id: str
    question: str
    covered: bool
    quoted: bool
    """The answer is the guidelines' own line: the model gave none it could use."""
    reason: str | None
    answer: str
    cited: list[str]
    """document > section of each citation."""
    right: bool
    """Golden: a citation answers the question. Uncovered: the answer is "not covered"."""
    retrieved_right: bool | None
    """Golden: a passage shown to the model answers the question (what the model could cite)."""
    retrieval_ms: float
    llm_ms: float
    rest_ms: float


@dataclass
class AnswersReport:
    corpus: str
    model: str
    golden: int
    uncovered: int
    cited_right_share: float | None
    """Golden questions whose answer cites a passage that answers them (goal >= 0.9)."""
    retrieved_right_share: float | None
    golden_covered_share: float | None
    golden_quoted_share: float | None
    """Golden questions answered with the guidelines' own line because the model's answer was unusable."""
    not_covered_share: float | None
    """Uncovered questions answered "not covered" (goal >= 0.8)."""
    reasons: dict[str, int]
    """Why "not covered" (or, for quoted answers, why the model's answer was not used), over all questions."""
    timings_ms: dict[str, dict[str, float]]
    """p50 and p95 of retrieval, llm, rest and total, over all questions and over those the model was asked."""
    outcomes: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


Item = TypeVar("Item", Question, UncoveredQuestion)


def subset(questions: Sequence[Item], limit: int | None) -> list[Item]:
    """`limit` questions evenly spaced, so a subset spans the whole file instead of its first topics."""
    if limit is None or limit >= len(questions):
        return list(questions)
    return [questions[index * len(questions) // limit] for index in range(limit)]


def evaluate(
    settings: Settings,
    knowledge_base: KnowledgeBase,
    llm: LLMClient,
    golden: GoldenSet | None,
    uncovered: UncoveredSet | None,
    limit: int | None = None,
    on_question: Callable[[], None] | None = None,
) -> AnswersReport:
    knowledge_base.search("warm-up")
    golden_outcomes = []
    for question in subset(golden.questions, limit) if golden else []:
        answered, shown = _answer(settings, knowledge_base, llm, question.question)
        by_id = {passage.chunk_id: passage for passage in shown}
        right = any(question.answered_by(by_id[c.chunk_id]) for c in answered.citations)
        golden_outcomes.append(_outcome(question.id, answered, right, any(map(question.answered_by, shown))))
        if on_question:
            on_question()
    uncovered_outcomes = []
    for item in subset(uncovered.questions, limit) if uncovered else []:
        answered, _ = _answer(settings, knowledge_base, llm, item.question)
        uncovered_outcomes.append(_outcome(item.id, answered, not answered.covered, None))
        if on_question:
            on_question()
    everything = golden_outcomes + uncovered_outcomes
    asked = [o for o in everything if o.llm_ms > 0]
    return AnswersReport(
        corpus=golden.corpus if golden else uncovered.corpus if uncovered else "",
        model=llm.model,
        golden=len(golden_outcomes),
        uncovered=len(uncovered_outcomes),
        cited_right_share=_share([o.right for o in golden_outcomes]),
        retrieved_right_share=_share([bool(o.retrieved_right) for o in golden_outcomes]),
        golden_covered_share=_share([o.covered for o in golden_outcomes]),
        golden_quoted_share=_share([o.quoted for o in golden_outcomes]),
        not_covered_share=_share([o.right for o in uncovered_outcomes]),
        reasons=dict(Counter(o.reason for o in everything if o.reason)),
        timings_ms={"all": _percentiles(everything), "model_asked": _percentiles(asked)},
        outcomes=everything,
    )


def _answer(
    settings: Settings, knowledge_base: KnowledgeBase, llm: LLMClient, question: str
) -> tuple[GuidelineAnswer, list[Passage]]:
    """The answer and the passages retrieved for it, which the citations are checked against."""
    shown: list[Passage] = []

    def search(text: str) -> list[Passage]:
        found = knowledge_base.search(text)
        shown.extend(found)
        return found

    answered = answer_question(settings, search, llm, question)
    return answered, [passage for passage in shown if passage.chunk_id in answered.retrieved]


def _outcome(question_id: str, answered: GuidelineAnswer, right: bool, retrieved_right: bool | None) -> Outcome:
    timings = answered.timings
    return Outcome(
        id=question_id,
        question=answered.question,
        covered=answered.covered,
        quoted=answered.quoted,
        reason=answered.reason.value if answered.reason else None,
        answer=answered.answer,
        cited=[citation.where for citation in answered.citations],
        right=right,
        retrieved_right=retrieved_right,
        retrieval_ms=timings.retrieval_ms,
        llm_ms=timings.llm_ms,
        rest_ms=round(timings.total_ms - timings.retrieval_ms - timings.llm_ms, 1),
    )


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _percentiles(outcomes: list[Outcome]) -> dict[str, float]:
    if not outcomes:
        return {}
    columns = {
        "retrieval": [o.retrieval_ms for o in outcomes],
        "llm": [o.llm_ms for o in outcomes],
        "rest": [o.rest_ms for o in outcomes],
        "total": [o.retrieval_ms + o.llm_ms + o.rest_ms for o in outcomes],
    }
    return {f"{name}_{p}": _percentile(values, p) for name, values in columns.items() for p in (50, 95)}


def _percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 1)
