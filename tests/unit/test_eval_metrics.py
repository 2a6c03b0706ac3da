"""Metrics against hand-worked examples, and golden-set matching."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from brandbot.evaluation.golden import Answer, EvalFileError, Question, combine, load_golden
from brandbot.evaluation.metrics import mrr_at, ndcg_at, recall_at
from brandbot.guidelines.retrieval import Passage

RANKING = [False, True, False, True]


def test_recall_is_a_hit_within_k() -> None:
    assert (recall_at(1, RANKING), recall_at(2, RANKING), recall_at(10, RANKING)) == (0.0, 1.0, 1.0)
    assert recall_at(5, [False] * 10) == 0.0


def test_mrr_is_one_over_the_first_relevant_rank() -> None:
    assert mrr_at(10, RANKING) == 0.5
    assert mrr_at(1, RANKING) == 0.0
    assert mrr_at(10, [True]) == 1.0


def test_ndcg_worked_by_hand() -> None:
    dcg = 1 / math.log2(3) + 1 / math.log2(5)  # relevant at ranks 2 and 4
    ideal = 1 / math.log2(2) + 1 / math.log2(3)  # two relevant passages exist, best at ranks 1 and 2
    assert ndcg_at(10, RANKING, relevant_in_corpus=2) == pytest.approx(dcg / ideal) == pytest.approx(0.6509, abs=1e-4)
    assert ndcg_at(10, [True, True], relevant_in_corpus=2) == pytest.approx(1.0)
    assert ndcg_at(10, RANKING, relevant_in_corpus=0) == 0.0
    three = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(10, RANKING, relevant_in_corpus=3) == pytest.approx(dcg / three)


def passage(source: str, section: str, text: str) -> Passage:
    return Passage(text, source, "T", source, section, "v1", None, 0.1, "c1")


def test_answers_match_by_document_and_heading_or_quote() -> None:
    question = Question(
        id="q",
        question="dates?",
        answers=[
            Answer(document="email.html", section="Dates"),
            Answer(document="voice.md", quote="write the *month* out"),
        ],
    )
    assert question.answered_by(passage("email.html", "Style > Dates and times", "x"))
    assert not question.answered_by(passage("other.html", "Style > Dates and times", "x"))
    assert question.answered_by(passage("voice.md", "Tone", "We  Write the month\nout in full."))
    assert not question.answered_by(passage("voice.md", "Tone", "We write the day out."))


def test_golden_file_errors_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "g.yml"
    path.write_text(
        "corpus: repo:guidelines\nquestions:\n  - id: a\n    question: q\n    answers: [{document: x.md}]\n"
    )
    with pytest.raises(EvalFileError, match=r"g.yml: questions.0.answers.0: .*section or a quote"):
        load_golden(path)
    path.write_text("corpus: x\nquestion: []\n")
    with pytest.raises(EvalFileError, match="question"):
        load_golden(path)


def test_a_development_and_a_held_out_file_combine_keeping_each_questions_split(tmp_path: Path) -> None:
    dev, held = tmp_path / "dev.yml", tmp_path / "held.yml"
    question = "  - id: {id}\n    question: q\n    answers: [{{document: x.md, section: S}}]\n"
    dev.write_text(
        "corpus: repo:guidelines\nquestions:\n"
        + question.format(id="a")
        + question.format(id="b")
        + "    split: held-out\n"
    )
    held.write_text("corpus: repo:guidelines\nsplit: held-out\nquestions:\n" + question.format(id="h1"))
    combined = combine([load_golden(dev), load_golden(held)])
    assert {q.id: combined.split_of(q) for q in combined.questions} == {"a": "dev", "b": "held-out", "h1": "held-out"}

    held.write_text("corpus: repo:guidelines\nsplit: held-out\nquestions:\n" + question.format(id="a"))
    with pytest.raises(EvalFileError, match="question id 'a' is used twice"):
        combine([load_golden(dev), load_golden(held)])
    held.write_text("corpus: repo:guidelines\nsplit: test\nquestions:\n" + question.format(id="h1"))
    with pytest.raises(EvalFileError, match=r"held.yml: split: Input should be 'dev' or 'held-out'"):
        load_golden(held)
