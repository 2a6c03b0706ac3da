"""`metric`: a `formula` over the draft's counts meets a `condition` ("words / sentences" "> 20").
Both are parsed at load time by a small arithmetic parser; nothing is evaluated as Python."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from brandbot.rules.checks.base import CheckType, Definition, Finding, RuleSource
from brandbot.rules.document import Document
from brandbot.rules.formula import Condition, Formula, FormulaError, parse_condition, parse_formula
from brandbot.rules.patterns import format_message
from brandbot.rules.textstats import METRIC_VARIABLES


@dataclass(frozen=True, slots=True)
class Metric:
    definition: Definition
    formula: Formula
    condition: Condition

    def find(self, doc: Document) -> Iterator[Finding]:
        if not doc.stats.words:
            return
        values = doc.stats.variables()
        try:
            result = self.formula(values)
            met = self.condition(result, values)
        except (ZeroDivisionError, ValueError):  # no sentences, the root of a negative: nothing to judge
            return
        if met:
            yield Finding(0, 0, format_message(self.definition.message, f"{result:.2f}"))


def build(source: RuleSource) -> Metric:
    keys = source.keys
    try:
        formula = parse_formula(keys.text("formula", required=True), METRIC_VARIABLES)
    except FormulaError as error:
        raise keys.error("formula", str(error)) from None
    try:
        condition = parse_condition(keys.text("condition", required=True), METRIC_VARIABLES)
    except FormulaError as error:
        raise keys.error("condition", str(error)) from None
    return Metric(source.definition, formula, condition)


METRIC = CheckType(frozenset({"formula", "condition"}), build, scoped=False)
