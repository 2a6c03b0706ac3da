"""readability (the average of the chosen grades) and metric (a formula, parsed, never eval'd)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.rules import RuleLoadError
from brandbot.rules.document import Document
from brandbot.rules.formula import FormulaError, parse_condition, parse_formula
from brandbot.rules.textstats import METRIC_VARIABLES, syllables
from tests.unit.rules.support import CheckRule

SIMPLE = "We back up your files. You can get them back. It takes a few steps."
DENSE = (
    "Comprehensive organizational infrastructure modernization initiatives necessitate sophisticated "
    "interdisciplinary collaboration, particularly regarding immutable retention configurations."
)


def readability(grade: int, metrics: str = "[Flesch-Kincaid, Automated Readability]") -> str:
    return f"extends: readability\nmessage: 'Grade %s is too high.'\ngrade: {grade}\nmetrics: {metrics}\n"


def test_dense_text_is_flagged_with_its_grade_and_plain_text_is_not(check_rule: CheckRule) -> None:
    (alert,) = check_rule(readability(9), DENSE)
    grade = float(alert.message.split()[1])
    assert grade > 20 and (alert.line, alert.span) == (1, (1, 1))
    assert check_rule(readability(9), SIMPLE) == []


def test_the_grade_is_the_average_of_the_metrics(check_rule: CheckRule) -> None:
    stats = Document(DENSE).stats
    expected = (stats.grade("Flesch-Kincaid") + stats.grade("Coleman-Liau")) / 2
    (alert,) = check_rule(readability(1, "[Flesch-Kincaid, Coleman-Liau]"), DENSE)
    assert alert.message == f"Grade {expected:.2f} is too high."


def test_code_and_headings_are_not_read(check_rule: CheckRule) -> None:
    draft = f"# {DENSE}\n\n{SIMPLE}\n\n```\n{DENSE}\n```\n"
    assert check_rule(readability(9), draft) == []


def test_counts() -> None:
    stats = Document("# Title\n\nOne short sentence. Another one here!\n\n- a list item\n- another\n\nDone.").stats
    assert (stats.words, stats.sentences, stats.paragraphs, stats.lists, stats.headings[0]) == (11, 5, 2, 1, 1)
    assert [syllables(word) for word in ("cat", "table", "restore", "immutable", "organization")] == [1, 2, 2, 4, 5]


def test_metric_formula_and_condition(check_rule: CheckRule) -> None:
    rule = "extends: metric\nmessage: '%s words per sentence.'\nformula: words / sentences\ncondition: '> 5'\n"
    (alert,) = check_rule(rule, "This sentence has more than five words in it. Short one.")
    assert alert.message == "5.50 words per sentence."
    assert check_rule(rule, "Short one. Another short one.") == []


def test_metric_with_nothing_to_measure_is_silent(check_rule: CheckRule) -> None:
    rule = "extends: metric\nmessage: '%s'\nformula: words / (headings - headings)\ncondition: '> 0'\n"
    assert check_rule(rule, "Words but no headings.") == []
    assert check_rule(rule, "```\ncode only\n```") == []


def test_formula_grammar() -> None:
    values = dict.fromkeys(METRIC_VARIABLES, 2.0) | {"words": 10.0, "heading_h2": 3.0}
    assert parse_formula("-(words - 4) * 2 + 1 / 4", METRIC_VARIABLES)(values) == -11.75
    assert parse_formula("math.sqrt(words * 10) + heading.h2", METRIC_VARIABLES)(values) == 13.0
    assert parse_condition(">= words", METRIC_VARIABLES)(10.0, values)


@pytest.mark.parametrize(
    "formula",
    ["__import__('os').system('true')", "words.__class__", "open", "words ** 2", "words +", "(words", "1 2", ""],
)
def test_formula_refuses_anything_but_arithmetic(formula: str) -> None:
    with pytest.raises(FormulaError):
        parse_formula(formula, METRIC_VARIABLES)


def test_a_bad_formula_is_a_load_error(tmp_path: Path, check_rule: CheckRule) -> None:
    rule = "extends: metric\nmessage: x\nformula: words / bogus\ncondition: '> 1'\n"
    with pytest.raises(RuleLoadError, match=r"^Test/Rule.yml: key 'formula': unknown variable 'bogus'"):
        check_rule(rule, "text")
