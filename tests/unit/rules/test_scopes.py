"""Scopes: which part of a draft a rule reads, and positions that point into the original."""

from __future__ import annotations

from brandbot.rules import Alert
from brandbot.rules.document import Document
from tests.unit.rules.support import CheckRule, matches

DRAFT = """\
# Backup news

Backup keeps copies. Backup runs hourly.

- Backup every laptop
- keep going

> Backup in a quote
"""


def backup_rule(scope: str) -> str:
    return f"extends: existence\nmessage: '%s'\nscope: {scope}\ntokens: [Backup]\n"


def lines(alerts: list[Alert]) -> list[int]:
    return [alert.line for alert in alerts]


def test_heading_only_rule_ignores_the_body(check_rule: CheckRule) -> None:
    assert lines(check_rule(backup_rule("heading"), DRAFT)) == [1]
    assert lines(check_rule(backup_rule("heading.h2"), DRAFT)) == []


def test_negated_scope_reads_everything_else(check_rule: CheckRule) -> None:
    assert lines(check_rule(backup_rule("~heading"), DRAFT)) == [3, 3, 5, 8]
    assert lines(check_rule(backup_rule("[paragraph, list]"), DRAFT)) == [3, 3, 5]
    assert lines(check_rule(backup_rule("blockquote"), DRAFT)) == [8]


def test_sentence_scope_with_an_anchor_reads_paragraph_sentences_only(check_rule: CheckRule) -> None:
    rule = "extends: existence\nmessage: '%s'\nscope: sentence\nraw: ['^Backup']\n"
    alerts = check_rule(rule, DRAFT)
    assert [(alert.line, alert.span) for alert in alerts] == [(3, (1, 6)), (3, (22, 27))]


def test_text_scope_reads_each_block_on_its_own(check_rule: CheckRule) -> None:
    rule = "extends: existence\nmessage: '%s'\nnonword: true\ntokens: ['(?:^|\\s)Backup']\n"
    alerts = check_rule(rule, DRAFT)
    assert [(alert.line, alert.span, alert.match) for alert in alerts] == [
        (1, (3, 8), "Backup"),
        (3, (1, 6), "Backup"),
        (3, (21, 27), " Backup"),
        (5, (3, 8), "Backup"),
        (8, (3, 8), "Backup"),
    ]


def test_code_is_not_prose_but_raw_sees_it(check_rule: CheckRule) -> None:
    draft = "Run `cheap --now` first.\n\n```sh\ncheap\n```\n\n~~~\ncheap\n~~~\ncheap"
    text_rule = "extends: existence\nmessage: '%s'\ntokens: [cheap]\n"
    assert lines(check_rule(text_rule, draft)) == [10]
    assert lines(check_rule(text_rule + "scope: raw\n", draft)) == [1, 4, 8, 10]


def test_markup_is_skipped_but_positions_stay_true(check_rule: CheckRule) -> None:
    draft = "See **cheap** plans at [our cheap page](https://cheap.example/cheap) or <b>cheap</b>."
    alerts = check_rule("extends: existence\nmessage: '%s'\ntokens: [cheap]\n", draft)
    assert [draft[alert.offset[0] : alert.offset[1]] for alert in alerts] == ["cheap"] * 3
    assert [alert.span for alert in alerts] == [(7, 11), (29, 33), (76, 80)]


def test_emphasis_marks_do_not_split_or_join_words(check_rule: CheckRule) -> None:
    rule = "extends: existence\nmessage: '%s'\ntokens: [sanity check]\n"
    assert matches(check_rule(rule, "a *sanity check* and a snake_case_sanity check")) == ["sanity check"]


def test_blocks_and_sentences() -> None:
    doc = Document("# Title #\n\nFirst line\ncontinues here. E.g. this stays. Next one!\n2024. Still prose.\n\n1. Item")
    assert [(block.kind, doc.prose[block.start : block.end]) for block in doc.blocks] == [
        ("heading", "Title"),
        ("paragraph", "First line\ncontinues here. E.g. this stays. Next one!\n2024. Still prose."),
        ("list", "Item"),
    ]
    assert [sentence.text for sentence, _ in doc.sentences] == [
        "Title",
        "First line\ncontinues here.",
        "E.g. this stays.",
        "Next one!",
        "2024.",
        "Still prose.",
        "Item",
    ]
    assert len(doc.prose) == len(doc.source)
    assert doc.position(doc.source.index("Next")) == (4, 34)


def test_a_match_over_two_lines_spans_to_the_end_of_the_first(check_rule: CheckRule) -> None:
    rule = "extends: existence\nmessage: '%s'\ntokens: ['sanity\\s+check']\n"
    (alert,) = check_rule(rule, "Run a sanity\ncheck now.")
    assert (alert.line, alert.span, alert.offset, alert.match) == (1, (7, 12), (6, 18), "sanity\ncheck")
