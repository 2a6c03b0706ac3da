"""Intent classification measured on a labelled set of messages as staff send them: accuracy,
precision and recall per intent and the confusion table, for three readers of the same messages:
the shipped combination (plain patterns decide, else the model, else the patterns), the model
with the patterns only as its fallback, and the patterns alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from brandbot.evaluation.golden import EvalFileError
from brandbot.llm import LLMClient
from brandbot.workflow.intent import Intent, classify, model_intent, read_rules

INTENTS = tuple(intent.value for intent in Intent)


class Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    intent: Intent


class IntentSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[Labelled] = Field(min_length=1)


def load_intents(path: Path) -> IntentSet:
    try:
        return IntentSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as error:
        raise EvalFileError(f"{path}: cannot read it: {error}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise EvalFileError(f"{path}: {where}: {first['msg']}") from error


@dataclass(frozen=True)
class ClassScore:
    intent: str
    support: int
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    got: str


@dataclass
class ReaderReport:
    reader: str
    """"combined" (as shipped), "model" (model, patterns when unusable) or "rules"."""
    accuracy: float
    classes: list[ClassScore]
    confusion: dict[str, dict[str, int]]
    """expected -> predicted -> count."""
    by_model: int
    """Messages whose intent the model decided (the rest the patterns did)."""
    seconds_mean: float
    misses: list[Miss] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reader": self.reader,
            "accuracy": self.accuracy,
            "classes": [vars(score) for score in self.classes],
            "confusion": self.confusion,
            "by_model": self.by_model,
            "seconds_mean": self.seconds_mean,
            "misses": [vars(miss) for miss in self.misses],
        }


@dataclass
class IntentsReport:
    messages: int
    model: str | None
    server: str | None
    readers: list[ReaderReport]

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "model": self.model,
            "server": self.server,
            "readers": [reader.to_dict() for reader in self.readers],
        }


Reader = Callable[[str], tuple[Intent, str]]


def readers(llm: LLMClient | None) -> dict[str, Reader]:
    """The patterns alone always; with a model, the combination and the model with fallback too."""

    def rules(text: str) -> tuple[Intent, str]:
        return read_rules(text).intent, "rules"

    found: dict[str, Reader] = {}
    if llm is not None:
        model = llm

        def combined(text: str) -> tuple[Intent, str]:
            result = classify(model, text)
            return result.intent, result.source

        def model_first(text: str) -> tuple[Intent, str]:
            answered = model_intent(model, text)
            return (answered, "model") if answered is not None else rules(text)

        found |= {"combined": combined, "model": model_first}
    return found | {"rules": rules}


def evaluate(
    labelled: IntentSet, llm: LLMClient | None, on_message: Callable[[], None] = lambda: None
) -> IntentsReport:
    reports = []
    for name, read in readers(llm).items():
        predicted: list[tuple[Intent, Intent, str]] = []
        started = time.perf_counter()
        for message in labelled.messages:
            intent, source = read(message.text)
            predicted.append((message.intent, intent, source))
            on_message()
        seconds = (time.perf_counter() - started) / len(labelled.messages)
        reports.append(score(name, predicted, seconds, [message.text for message in labelled.messages]))
    return IntentsReport(len(labelled.messages), llm.model if llm else None, llm.base_url if llm else None, reports)


def score(reader: str, predicted: list[tuple[Intent, Intent, str]], seconds: float, texts: list[str]) -> ReaderReport:
    """`predicted`: (expected, got, source) per message, in the order of `texts`."""
    confusion = {expected: dict.fromkeys(INTENTS, 0) for expected in INTENTS}
    for expected, got, _ in predicted:
        confusion[expected][got] += 1
    classes = []
    for intent in INTENTS:
        hits = confusion[intent][intent]
        support = sum(confusion[intent].values())
        called = sum(row[intent] for row in confusion.values())
        classes.append(ClassScore(intent, support, _share(hits, called), _share(hits, support)))
    correct = sum(1 for expected, got, _ in predicted if expected == got)
    misses = [
        Miss(text, expected, got) for text, (expected, got, _) in zip(texts, predicted, strict=True) if expected != got
    ]
    return ReaderReport(
        reader,
        round(correct / len(predicted), 3),
        classes,
        confusion,
        sum(1 for *_, source in predicted if source == "model"),
        round(seconds, 4),
        misses,
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
