"""Golden sets: questions staff ask, with the passages that answer them, named robustly
(document plus heading or quoted phrase) so that re-chunking does not invalidate them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from brandbot.guidelines.retrieval import Passage


class EvalFileError(ValueError):
    pass


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str
    section: str | None = None
    quote: str | None = None

    @model_validator(mode="after")
    def _located(self) -> Answer:
        if not self.section and not self.quote:
            raise ValueError("an answer needs a section or a quote besides its document")
        return self

    def matches(self, source: str, section: str, text: str) -> bool:
        if source != self.document:
            return False
        if self.section and self.section.lower() not in section.lower():
            return False
        return not self.quote or _normal(self.quote) in _normal(text)


Split = Literal["dev", "held-out"]
"""Tune on `dev` only; `held-out` questions were written before the tuning they judge."""


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str = Field(min_length=1)
    answers: list[Answer] = Field(min_length=1)
    split: Split | None = None
    """Overrides the set's split for this question."""

    def answered_by(self, passage: Passage) -> bool:
        return any(answer.matches(passage.source, passage.section, passage.text) for answer in self.answers)


class GoldenSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: str
    split: Split = "dev"
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> GoldenSet:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id '{question.id}' is used twice")
            seen.add(question.id)
        return self

    def split_of(self, question: Question) -> Split:
        return question.split or self.split


def load_golden(path: Path) -> GoldenSet:
    return load_yaml(path, GoldenSet)


def combine(sets: list[GoldenSet]) -> GoldenSet:
    """One set per corpus from several files (a development file and a held-out one), each
    question keeping its own split; an id used in two files is refused."""
    questions = [
        question.model_copy(update={"split": golden.split_of(question)})
        for golden in sets
        for question in golden.questions
    ]
    try:
        return GoldenSet(corpus=sets[0].corpus, questions=questions)
    except ValidationError as error:
        raise EvalFileError(f"{sets[0].corpus}: {error.errors()[0]['msg']}") from error


Model = TypeVar("Model", bound=BaseModel)


def load_yaml(path: Path, model: type[Model]) -> Model:
    """An evaluation input file, or one line naming the file, the place and what is wrong."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError) as error:
        raise EvalFileError(f"{path}: cannot read it ({error})") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise EvalFileError(f"{path}: {where}: {first['msg']}") from error


def corpora_root(configured: Path | None, repo: Path) -> Path:
    """`Settings.corpora` when set, else ../shared/corpora beside the repository, where a
    checkout next to the shared public corpora finds them without configuration."""
    return configured or repo.parent / "shared" / "corpora"


def resolve_corpus(spec: str, golden_path: Path, repo: Path, corpora: Path | None) -> Path:
    """`corpora:NAME` is a shared public corpus (see `corpora_root`), `repo:PATH` is inside this
    repository, anything else is relative to the golden file."""
    if spec.startswith("corpora:"):
        return corpora_root(corpora, repo) / spec.removeprefix("corpora:")
    if spec.startswith("repo:"):
        return repo / spec.removeprefix("repo:")
    return (golden_path.parent / spec).resolve()


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())
