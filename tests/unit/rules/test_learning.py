"""Learning rules from reviewers, without a database: mining edits and change requests, the
rule file a change becomes, and the back-test, each on a few texts worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from brandbot.config import Settings
from brandbot.rulebook.backtest import BackTest, Example, back_test
from brandbot.rulebook.change_notes import Asked, asked
from brandbot.rulebook.learned_rule import build, rule_name, rule_yaml
from brandbot.rulebook.learning import Candidate, Change, Evidence, Kind, Via, mine, reviewers
from brandbot.rulebook.proposals import brand_style, covered
from brandbot.rules import RuleSet, load_styles
from brandbot.store.review_history import ChangeRequest, Edit, PastText, Reviewed
from tests.unit.rules.support import SHIPPED_RULES, write_styles

CHEAP = Change(Kind.substitution, "cheap", "affordable")
SIMPLY = Change(Kind.existence, "simply")


def edit(number: int, drafted: str, approved: str, actor: str | None = None) -> Edit:
    """By a reviewer of its own unless `actor` says who."""
    return Edit(Reviewed(number, f"req_{number}", f"d_{number}", actor or f"reviewer{number}"), drafted, approved)


def note(number: int, text: str, actor: str | None = None) -> ChangeRequest:
    return ChangeRequest(Reviewed(number, f"req_{number}", f"d_{number}", actor or f"reviewer{number}"), text)


def changes(candidates: list[Candidate]) -> list[tuple[Change, list[int]]]:
    return [(candidate.change, [item.decision_id for item in candidate.evidence]) for candidate in candidates]


def test_a_replacement_by_three_reviewers_is_a_substitution_and_by_two_is_nothing() -> None:
    edits = [
        edit(1, "Our cheap plans.", "Our affordable plans.", "bob"),
        edit(2, "A cheap backup.", "An affordable backup.", "carol"),
        edit(3, "Cheap and calm.", "Affordable and calm.", "dan"),
    ]
    assert changes(mine(edits, [], 3)) == [(CHEAP, [1, 2, 3])]
    assert mine(edits[:2], [], 3) == []
    [candidate] = mine(edits, [], 3)
    assert candidate.evidence[1] == Evidence(2, "req_2", "d_2", "carol", Via.edit)


def test_one_reviewers_decisions_count_once() -> None:
    """Three edits and a change request by one person are that person's taste: one reviewer."""
    habit = [edit(number, "A cheap plan.", "An affordable plan.", "bob") for number in (1, 2, 3)]
    habit.append(edit(4, "Cheap backups.", "Affordable backups.", "bob"))
    asked = [note(5, "Use 'affordable' instead of 'cheap'.", "bob")]
    assert mine(habit, asked, 2) == []
    [candidate] = mine(habit, asked, 1)
    assert (reviewers(candidate.evidence), len(candidate.evidence)) == (1, 5)
    [shared] = mine(habit, [*asked, note(6, "Use 'affordable' instead of 'cheap'.", "carol")], 2)
    assert (reviewers(shared.evidence), len(shared.evidence)) == (2, 6)


def test_the_change_most_reviewers_made_comes_first() -> None:
    """Ranked by people before decisions: one reviewer's four edits rank below two reviewers' two."""
    simply = [
        edit(number, f"Simply restore it in {place}.", f"Restore it in {place}.", "bob")
        for number, place in ((1, "Lisbon"), (2, "Oslo"), (3, "Lima"), (4, "Kyiv"))
    ]
    cheap = [
        edit(5, "A cheap plan.", "An affordable plan.", "bob"),
        edit(6, "Cheap plans.", "Affordable plans.", "carol"),
    ]
    assert [candidate.change for candidate in mine(simply + cheap, [], 1)] == [CHEAP, SIMPLY]


def test_one_edit_counts_once_however_often_it_makes_the_change() -> None:
    edits = [edit(1, "Cheap, so cheap, too cheap.", "Affordable, so affordable, too affordable.")]
    edits += [edit(2, "A cheap plan.", "An affordable plan.")]
    assert mine(edits, [], 3) == []
    assert changes(mine(edits, [], 2)) == [(CHEAP, [1, 2])]


def test_deleted_words_are_an_existence_rule_and_function_words_are_not() -> None:
    edits = [
        edit(number, f"Simply restore the files in {place}.", f"Restore files in {place}.")
        for number, place in ((1, "Lisbon"), (2, "Oslo"), (3, "Lima"))
    ]
    assert changes(mine(edits, [], 3)) == [(SIMPLY, [1, 2, 3])], "'the' went too, but alone it is no rule"


def test_runs_longer_than_three_words_or_broken_by_punctuation_are_not_evidence() -> None:
    edits = [edit(number, "It is cheap, quick, and calm to run.", "It runs well.") for number in (1, 2, 3)]
    edits += [edit(number, "It saves you a lot of time.", "It saves hours.") for number in (4, 5, 6)]
    assert mine(edits, [], 3) == []


def test_the_replacement_keeps_the_casing_reviewers_chose_mid_sentence() -> None:
    sentence_start = [edit(number, "Cheap plans.", "Affordable plans.") for number in (1, 2, 3)]
    assert changes(mine(sentence_start, [], 3)) == [(CHEAP, [1, 2, 3])], "the sentence's capital is lowered"
    brand = [edit(number, "Sign in to the portal.", "Sign in to Tidewell Cloud.") for number in (4, 5)]
    brand += [edit(6, "The portal is open.", "Tidewell Cloud is open.")]
    [candidate] = mine(brand, [], 3)
    assert candidate.change == Change(Kind.substitution, "the portal", "Tidewell Cloud")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Use 'affordable' instead of 'cheap'.", [Asked("cheap", "affordable")]),
        ("use affordable rather than cheap", [Asked("cheap", "affordable")]),
        ("Please replace \u201cutilize\u201d with \u201cuse\u201d.", [Asked("utilize", "use")]),
        ('"affordable", not "cheap"', [Asked("cheap", "affordable")]),
        ("Don't say cheap. Avoid the word 'simply'.", [Asked("cheap", None), Asked("simply", None)]),
        ("never write \u2018world-class\u2019", [Asked("world-class", None)]),
        ("Shorter, please: this is not the tone.", []),
    ],
)
def test_change_request_patterns(text: str, expected: list[Asked]) -> None:
    assert asked(text) == expected


def test_change_requests_add_evidence_to_the_same_change() -> None:
    edits = [edit(1, "A cheap plan.", "An affordable plan."), edit(2, "Cheap plans.", "Affordable plans.")]
    notes = [note(3, "Use 'affordable' instead of 'cheap'."), note(4, "Avoid 'it'; tighten it.")]
    [candidate] = mine(edits, notes, 3)
    assert candidate.change == CHEAP
    assert [item.via for item in candidate.evidence] == [Via.edit, Via.edit, Via.change_request]


def test_the_rule_file_is_vale_yaml_that_loads_and_fixes() -> None:
    text = rule_yaml(CHEAP, 4)
    assert yaml.safe_load(text) == {
        "extends": "substitution",
        "message": "Use '%s' instead of '%s'.",
        "description": "Learned from reviewers: 4 of their decisions replaced 'cheap' with 'affordable'.",
        "level": "warning",
        "ignorecase": True,
        "action": {"name": "replace"},
        "swap": {"cheap": "affordable"},
    }
    [alert] = RuleSet((build(CHEAP, "Tidewell.LearnedCheapToAffordable", 4),)).check("Cheap plans.")
    assert (alert.check, alert.match, alert.replacements) == (
        "Tidewell.LearnedCheapToAffordable",
        "Cheap",
        ("Affordable",),
    )
    [flagged] = RuleSet((build(SIMPLY, "Tidewell.LearnedNoSimply", 3),)).check("Simply restore.")
    assert (flagged.match, flagged.message) == ("Simply", "Avoid 'Simply': reviewers keep taking it out.")


def test_rule_names_say_what_the_rule_does_and_never_replace_one() -> None:
    assert rule_name(CHEAP, set()) == "LearnedCheapToAffordable"
    assert rule_name(SIMPLY, {"LearnedNoSimply"}) == "LearnedNoSimply2"
    assert rule_name(Change(Kind.existence, "best-in-class"), set()) == "LearnedNoBestInClass"


def test_the_back_test_counts_texts_once_and_shows_approved_examples_first() -> None:
    approved = [PastText("req_1", "Affordable plans."), PastText("req_2", "Cheap, cheap, cheap.")]
    drafts = [PastText("d_1", "Cheap plans."), PastText("d_2", "Calm plans."), PastText("d_3", "A cheap plan.")]
    candidates = [Candidate(CHEAP, ()), Candidate(SIMPLY, ())]
    tested = back_test(candidates, approved, drafts, None)
    assert tested[CHEAP.key] == BackTest(
        1,
        2,
        2,
        3,
        (
            Example("req_2", True, "Cheap, cheap, cheap."),
            Example("d_1", False, "Cheap plans."),
            Example("d_3", False, "A cheap plan."),
        ),
    )
    assert tested[SIMPLY.key] == BackTest(0, 2, 0, 3, ())
    assert BackTest.from_dict(tested[CHEAP.key].to_dict()) == tested[CHEAP.key]


def test_a_long_text_is_shown_around_the_match() -> None:
    text = "A" * 50 + " cheap " + "B" * 50
    [example] = back_test([Candidate(CHEAP, ())], [], [PastText("d_1", text)], None)[CHEAP.key].examples
    assert example.excerpt == "…" + "A" * 39 + " cheap " + "B" * 39 + "…"


def test_what_the_shipped_style_flags_is_covered() -> None:
    shipped = load_styles(SHIPPED_RULES)
    assert covered(shipped, CHEAP) and covered(shipped, Change(Kind.existence, "revolutionary"))
    assert not covered(shipped, Change(Kind.existence, "gizmo"))


def test_a_learned_rule_joins_the_brand_style_else_the_only_one(settings: Settings, tmp_path: Path) -> None:
    rule = "extends: existence\nmessage: x\ntokens: [gizmo]\n"
    brand_and_other = load_styles(write_styles(tmp_path / "a", {"Tidewell/A.yml": rule, "Other/B.yml": rule}))
    assert brand_style(settings, brand_and_other) == "Tidewell"
    assert brand_style(settings, load_styles(write_styles(tmp_path / "b", {"Acme/A.yml": rule}))) == "Acme"
    assert brand_style(settings, RuleSet()) == "Tidewell", "no rules yet: a style named after the brand"
    with pytest.raises(ValueError, match="several styles are installed \\(Acme, Other\\)"):
        brand_style(settings, load_styles(write_styles(tmp_path / "c", {"Acme/A.yml": rule, "Other/B.yml": rule})))
