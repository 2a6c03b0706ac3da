"""config.yml: styles and vocabularies on, levels per draft context, validated like rules."""

from __future__ import annotations

import pytest

from brandbot.rules import Alert, DraftContext, Level, RuleLoadError, load_styles
from tests.unit.rules.support import WriteStyles

RULES = {
    "Brand/Disclaimer.yml": "extends: occurrence\nmessage: Add it.\nlevel: error\nmin: 1\ntoken: 'Terms apply'\n",
    "Brand/Bang.yml": "extends: occurrence\nmessage: One '!' at most.\nmax: 1\ntoken: '!'\n",
    "Brand/Cheap.yml": "extends: existence\nmessage: '%s'\nlevel: error\ntokens: [cheap]\n",
    "Other/Cheap.yml": "extends: existence\nmessage: '%s'\ntokens: [cheap]\n",
}
CONFIG = """\
styles: [Brand]
rules:
  Brand.Disclaimer: off
  Brand.Bang: suggestion
contexts:
  - when: {promotional: true}
    rules: {Brand.Disclaimer: on}
  - when: {format: x_post}
    rules: {Brand.Bang: error}
  - when: {channel: [slack, email]}
    rules: {Brand.Cheap: "off"}
"""
DRAFT = "A cheap plan!!"


def levels(alerts: list[Alert]) -> dict[str, Level]:
    return {alert.check: alert.level for alert in alerts}


def test_contexts_choose_rules_and_levels(styles: WriteStyles) -> None:
    rules = load_styles(styles(RULES, CONFIG))
    assert levels(rules.check(DRAFT)) == {"Brand.Cheap": Level.error, "Brand.Bang": Level.suggestion}
    assert levels(rules.check(DRAFT, DraftContext(promotional=True)))["Brand.Disclaimer"] is Level.error
    assert levels(rules.check(DRAFT, DraftContext(format="x_post")))["Brand.Bang"] is Level.error
    assert "Brand.Cheap" not in levels(rules.check(DRAFT, DraftContext(channel="slack")))


def test_a_format_implies_its_channel(styles: WriteStyles) -> None:
    rules = load_styles(styles(RULES, CONFIG))
    assert "Brand.Cheap" not in levels(rules.check(DRAFT, DraftContext(format="email")))


def test_only_enabled_styles_load(styles: WriteStyles) -> None:
    assert {info.id for info in load_styles(styles(RULES, CONFIG)).describe()} == {
        "Brand.Disclaimer",
        "Brand.Bang",
        "Brand.Cheap",
    }
    assert len(load_styles(styles(RULES)).describe()) == 4


def test_describe_shows_the_level_before_contexts(styles: WriteStyles) -> None:
    described = {info.id: info.level for info in load_styles(styles(RULES, CONFIG)).describe()}
    assert described == {"Brand.Disclaimer": "off", "Brand.Bang": "suggestion", "Brand.Cheap": "error"}


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ("stlyes: [Brand]\n", "config.yml: key 'stlyes': unknown key for config.yml"),
        ("rules: {Brand.Nope: error}\n", "config.yml: key 'rules.Brand.Nope': no such rule"),
        ("rules: {Brand.Bang: loud}\n", "config.yml: key 'rules.Brand.Bang': expected one of suggestion, warning"),
        ("styles: [Missing]\n", "config.yml: key 'styles': no folder for 'Missing'"),
        (
            "contexts:\n  - when: {format: x-post}\n    rules: {}\n",
            "config.yml: key 'contexts[0].when.format': unknown format 'x-post'",
        ),
        (
            "contexts:\n  - when: {audience: x}\n    rules: {}\n",
            "config.yml: key 'contexts[0].when.audience': unknown key",
        ),
        ("contexts:\n  - rules: {Brand.Bang: error}\n", "config.yml: key 'contexts[0].when': needs format, channel"),
        (
            "contexts:\n  - when: {promotional: true}\n    rules: {Brand.Nope: error}\n",
            "key 'contexts[0].rules.Brand.Nope'",
        ),
    ],
)
def test_config_errors_name_the_key(styles: WriteStyles, config: str, error: str) -> None:
    with pytest.raises(RuleLoadError) as raised:
        load_styles(styles(RULES, config))
    assert error in str(raised.value)


def test_unknown_format_in_a_context_is_refused_by_the_dataclass() -> None:
    with pytest.raises(ValueError, match="unknown format 'tiktok'"):
        DraftContext(format="tiktok")
