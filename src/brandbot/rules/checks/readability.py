"""`readability`: the average grade of the chosen `metrics` over the whole draft is above `grade`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.patterns import format_message
from brandbot.rules.textstats import READABILITY_METRICS


@dataclass(frozen=True, slots=True)
class Readability:
    definition: Definition
    metrics: tuple[str, ...]
    grade: float

    def find(self, doc: Document) -> Iterator[Finding]:
        stats = doc.stats
        if not stats.words:
            return
        grade = sum(stats.grade(metric) for metric in self.metrics) / len(self.metrics)
        if grade > self.grade:
            yield Finding(0, 0, format_message(self.definition.message, f"{grade:.2f}"))


def build(source: RuleSource) -> Readability:
    keys = source.keys
    metrics = keys.texts("metrics", required=True)
    if not metrics:
        raise keys.error("metrics", f"needs at least one of {', '.join(READABILITY_METRICS)}")
    for metric in metrics:
        if metric not in READABILITY_METRICS:
            raise keys.error("metrics", f"unknown metric '{metric}' (known: {', '.join(READABILITY_METRICS)})")
    return Readability(source.definition, metrics, keys.number("grade", required=True))


READABILITY = CheckType(frozenset({"metrics", "grade"}), build, scoped=False)
