"""Vocabularies: accepted terms keep their exact casing (Vale.Terms) and are exempt from other
rules; rejected terms are errors (Vale.Avoid)."""

from __future__ import annotations

from brandbot.rules import Level, load_styles
from tests.unit.rules.support import CheckRule, WriteStyles, matches

VOCAB = {
    "Vocab/Brand/accept.txt": "# products\nTidewell\nTidewell Backup\nStarter plan\n[Oo]bservability\n",
    "Vocab/Brand/reject.txt": "Admin Console\n",
}
BACKUP = "extends: existence\nmessage: '%s'\ntokens: [Backup]\n"


def test_accepted_terms_must_keep_their_casing(check_rule: CheckRule) -> None:
    alerts = check_rule(BACKUP, "TideWell and TIDEWELL backup, on the Starter Plan.", vocab=VOCAB)
    assert [(a.check, a.match, a.level, a.replacements) for a in alerts] == [
        ("Vale.Terms", "TideWell", Level.error, ("Tidewell",)),
        ("Vale.Terms", "TIDEWELL backup", Level.error, ("Tidewell Backup",)),
        ("Vale.Terms", "Starter Plan", Level.error, ("Starter plan",)),
    ]
    assert alerts[1].message == "Use 'Tidewell Backup' instead of 'TIDEWELL backup'."


def test_exact_uses_pass_and_are_exempt_from_other_rules(check_rule: CheckRule) -> None:
    assert check_rule(BACKUP, "Tidewell Backup, Tidewell's app, the Starter plan.", vocab=VOCAB) == []
    assert matches(check_rule(BACKUP, "A Backup.", vocab=VOCAB)) == ["Backup"]


def test_web_addresses_and_handles_keep_their_lowercase(check_rule: CheckRule) -> None:
    draft = "Terms apply: tidewell.example/terms. Follow @tidewell or x.com/tidewell. But not tidewell."
    assert matches(check_rule(BACKUP, draft, vocab=VOCAB)) == ["tidewell"]


def test_rejected_terms_are_errors_as_written(check_rule: CheckRule) -> None:
    alerts = check_rule(BACKUP, "Open the Admin Console, or the admin console.", vocab=VOCAB)
    assert [(a.check, a.match, a.message) for a in alerts] == [
        ("Vale.Avoid", "Admin Console", "Avoid using 'Admin Console'.")
    ]


def test_vocab_false_turns_the_exemption_off(check_rule: CheckRule) -> None:
    assert matches(check_rule(BACKUP + "vocab: false\n", "Tidewell Backup", vocab=VOCAB)) == ["Backup"]


def test_vale_config_vocabularies_layout_works_too(styles: WriteStyles) -> None:
    root = styles({}, vocab={"config/vocabularies/Brand/accept.txt": "Tidewell\n"})
    assert matches(load_styles(root).check("TideWell")) == ["TideWell"]
