"""Answers to staff's questions about the guidelines, from the passages alone, with citations.

The guard against invention is layered: no passage close enough to the question (raw cosine,
`Settings.answer_min_similarity`) means no model call at all; then the model must say the
passages cover the question, cite at least one of them by a number that exists, answer in words
that mostly come from what it cites, and not repeat as allowed what a cited sentence forbids.
When the model says the passages don't cover the question, the person hears "not covered"
plainly, with an offer to ask an admin. When it read close passages but gave no usable answer,
the closest line of the guidelines is quoted instead, word for word (`QUOTABLE`): a small model
fails to write far more often than retrieval fails to find.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from brandbot.config import Settings
from brandbot.guidelines.chunker import sentences
from brandbot.guidelines.retrieval import Passage
from brandbot.llm import LLMClient, LLMRequestRefused
from brandbot.workflow import prompts

MAX_ANSWER_CHARS = 600
MIN_ANSWER_CHARS = 20
MAX_ANSWER_TOKENS = 240
"""Room for the longest answer allowed, its citations and the JSON around them."""
MAX_CITATIONS = 3
QUOTE_CHARS = 300
GROUNDED_SHARE = 0.6
_WORD = re.compile(r"[a-z0-9']+")
_COMMON_WORDS = (
    "a an and are as at be by can do does for from how i in is it of on or our should the this to we what when "
    "where which who why with you your"
)
_STOPWORDS = frozenset(_COMMON_WORDS.split())


class EmptyQuestion(ValueError):
    """Nothing was asked: the person hears how to ask."""


class NotCovered(enum.StrEnum):
    """Why a question got "not covered" instead of an answer."""

    nothing_relevant = "nothing_relevant"
    """No passage came close enough to the question: the model was not asked."""
    model_said_so = "model_said_so"
    """The model read the passages and said they do not answer the question."""
    no_valid_citation = "no_valid_citation"
    """The model answered but cited no passage it was given."""
    ungrounded = "ungrounded"
    """The answer's words mostly come from elsewhere than the cited passages. The question is no
    source: an answer that repeats the asker's own claim back is not grounded in the guidelines."""
    unreadable = "unreadable"
    """The model's structured answer could not be used."""
    contradicted = "contradicted"
    """The answer repeats what a sentence of its passage forbids ("never say X" read as "X")."""


QUOTABLE = frozenset(
    {NotCovered.unreadable, NotCovered.ungrounded, NotCovered.no_valid_citation, NotCovered.contradicted}
)
"""Where the model gave no usable answer from passages close to the question: the guidelines'
own line is quoted. Never where the model said they don't cover it, nor where nothing was close."""
_NEGATION = re.compile(r"\b(never|not|no|avoid|without|don't|doesn't|do not|does not|can't|cannot|won't)\b|n't\b", re.I)


@dataclass(frozen=True)
class Citation:
    number: int
    """The passage's number in the prompt, 1-based."""
    doc_id: str
    title: str
    section: str
    source: str
    version: str
    chunk_id: str
    quote: str
    """The passage's line closest to the question and the answer."""
    similarity: float | None

    @property
    def where(self) -> str:
        return " > ".join(part for part in (self.title, self.section) if part)


@dataclass(frozen=True)
class Timings:
    retrieval_ms: float
    llm_ms: float
    total_ms: float


@dataclass(frozen=True)
class GuidelineAnswer:
    question: str
    covered: bool
    answer: str
    """Empty when not covered."""
    citations: list[Citation]
    reason: NotCovered | None
    """Why not covered; for a covered answer quoted from the guidelines, why the model's own answer
    was not used; None for the model's answer."""
    model: str | None
    """The model that answered; None when it was not asked."""
    timings: Timings
    retrieved: list[str] = field(default_factory=list)
    """Chunk ids of the passages retrieved, best first: what the citations had to come from."""

    @property
    def quoted(self) -> bool:
        """The answer is a line of the guidelines, word for word, not the model's."""
        return self.covered and self.reason is not None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason.value if self.reason else None, "quoted": self.quoted}


def schema(passages: int) -> dict[str, Any]:
    """Either covered, with an answer and at least one citation, or not, with neither: vLLM
    enforces the shape, and citations are numbers of passages given (the code checks them again)."""
    numbers = {"type": "integer", "enum": list(range(1, passages + 1))}
    covered = {
        "type": "object",
        "properties": {
            "covered": {"const": True},
            "citations": {"type": "array", "items": numbers, "minItems": 1, "maxItems": MAX_CITATIONS},
            "answer": {"type": "string", "minLength": MIN_ANSWER_CHARS, "maxLength": MAX_ANSWER_CHARS},
        },
        "required": ["covered", "citations", "answer"],
        "additionalProperties": False,
    }
    not_covered = {
        "type": "object",
        "properties": {"covered": {"const": False}},
        "required": ["covered"],
        "additionalProperties": False,
    }
    return {"title": "guideline_answer", "anyOf": [covered, not_covered]}


def answer_question(
    settings: Settings,
    search: Callable[[str], Sequence[Passage]],
    llm: LLMClient,
    question: str,
    clock: Callable[[], float] = time.perf_counter,
) -> GuidelineAnswer:
    """Raises EmptyQuestion, and LLMError when the model can't be reached."""
    question = " ".join(question.split())
    if not question:
        raise EmptyQuestion("The question is empty: ask something about the brand guidelines.")
    started = clock()
    passages = [p for p in search(question) if (p.similarity or 0.0) >= settings.answer_passage_similarity]
    retrieval_s = clock() - started
    llm_s = 0.0
    model: str | None = None
    verdict: tuple[NotCovered | None, str, list[int]]
    if not passages or max(p.similarity or 0.0 for p in passages) < settings.answer_min_similarity:
        verdict = (NotCovered.nothing_relevant, "", [])
    else:
        messages = prompts.answer_messages(
            brand=settings.brand_name, question=question, passages=[p.to_dict() for p in passages]
        )
        asked = clock()
        try:
            reply = llm.complete_json(messages, schema(len(passages)), max_tokens=MAX_ANSWER_TOKENS)
        except LLMRequestRefused:
            reply = None
        llm_s, model = clock() - asked, llm.model
        verdict = _judge(reply, passages)
    reason, answer, cited = verdict
    if reason in QUOTABLE:
        number = cited[0] if cited else 1
        answer, cited = excerpt(passages[number - 1].text), [number]
    return GuidelineAnswer(
        question=question,
        covered=reason is None or reason in QUOTABLE,
        answer=answer,
        citations=[_citation(number, passages[number - 1], question, answer) for number in cited],
        reason=reason,
        model=model,
        timings=Timings(_ms(retrieval_s), _ms(llm_s), _ms(clock() - started)),
        retrieved=[p.chunk_id for p in passages],
    )


def _judge(reply: dict[str, Any] | None, passages: Sequence[Passage]) -> tuple[NotCovered | None, str, list[int]]:
    """(why not covered or None, the answer, the passage numbers it cites) from the model's reply."""
    if not reply or not isinstance(reply.get("covered"), bool):
        return NotCovered.unreadable, "", []
    if reply["covered"] is not True:
        return NotCovered.model_said_so, "", []
    cited = _valid_numbers(reply.get("citations"), len(passages))
    answer = " ".join(str(reply.get("answer") or "").split())[:MAX_ANSWER_CHARS]
    if not cited or not answer:
        return NotCovered.no_valid_citation, "", []
    if not grounded(answer, [passages[number - 1].text for number in cited]):
        return NotCovered.ungrounded, "", []
    forbidding = next((n for n in cited if contradicts(answer, passages[n - 1].text)), None)
    if forbidding is not None:
        return NotCovered.contradicted, answer, [forbidding]
    return None, answer, cited


def contradicts(answer: str, passage: str) -> bool:
    """Most of the answer's content words come from one sentence of the passage that says never,
    not, avoid..., and the answer itself negates nothing: a rule read backwards. A false alarm
    costs little: the person gets that sentence quoted instead."""
    words = _words(answer)
    if not words or _NEGATION.search(answer):
        return False
    return any(
        _NEGATION.search(line) and len(words & _words(line)) / len(words) >= GROUNDED_SHARE
        for line in sentences(passage)
    )


def grounded(answer: str, sources: Sequence[str]) -> bool:
    """At least `GROUNDED_SHARE` of the answer's distinct content words appear in the sources (the
    passages it cites, never the question): a cheap check that turns away an answer about
    something else, a degenerate one, or one that only repeats what the asker claimed."""
    words = _words(answer)
    if not words:
        return False
    known = set().union(*(_words(source) for source in sources))
    return len(words & known) / len(words) >= GROUNDED_SHARE


def _valid_numbers(numbers: Any, count: int) -> list[int]:
    """Numbers of passages that exist, once each, in the order cited; anything else dropped."""
    valid: list[int] = []
    for number in numbers if isinstance(numbers, list) else []:
        if type(number) is int and 1 <= number <= count and number not in valid:
            valid.append(number)
    return valid[:MAX_CITATIONS]


def _citation(number: int, passage: Passage, question: str, answer: str) -> Citation:
    return Citation(
        number=number,
        doc_id=passage.doc_id,
        title=passage.title,
        section=passage.section,
        source=passage.source,
        version=passage.version,
        chunk_id=passage.chunk_id,
        quote=quoted_line(passage.text, f"{question} {answer}"),
        similarity=passage.similarity,
    )


def excerpt(text: str) -> str:
    """The passage as the guidelines word it, from its start, whole sentences up to
    `MAX_ANSWER_CHARS`: what a quoted answer shows."""
    kept: list[str] = []
    for line in _lines(text):
        if kept and len(" ".join([*kept, line])) > MAX_ANSWER_CHARS:
            break
        kept.append(line)
    return " ".join(kept)[:MAX_ANSWER_CHARS]


def _lines(text: str) -> list[str]:
    """The passage's sentences without the heading breadcrumb the chunker puts before each."""
    crumb = text.partition("\n\n")[0] if "\n\n" in text else ""
    return [" ".join(line.removeprefix(f"{crumb}: ").split()) for line in sentences(text)]


def quoted_line(text: str, about: str) -> str:
    """The passage's sentence sharing the most words with `about` (the first on a tie), without
    the heading breadcrumb the chunker puts before each: the line a person checks the answer by."""
    wanted = _words(about)
    best = max(_lines(text), key=lambda line: len(_words(line) & wanted))
    return best if len(best) <= QUOTE_CHARS else best[: QUOTE_CHARS - 1].rstrip() + "…"


def _words(text: str) -> set[str]:
    """Content words, a plural's "s" dropped so that "price" in an answer matches "prices"."""
    return {
        word[:-1] if len(word) > 3 and word.endswith("s") else word
        for word in _WORD.findall(text.lower())
        if word not in _STOPWORDS
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
