""".vale.ini read as Vale reads it: which styles and rules each file gets, levels, ignores."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.rules import RuleLoadError
from brandbot.rules.valeini import find_vale_ini, load_vale_ini
from tests.unit.rules.support import write_styles

RULES = {
    "Acme/Hype.yml": "extends: existence\nmessage: \"Avoid '%s'.\"\nlevel: error\ntokens: [cheap]\n",
    "Acme/Soft.yml": "extends: existence\nmessage: \"Soften '%s'.\"\nlevel: suggestion\ntokens: [very]\n",
    "Other/Bang.yml": "extends: existence\nmessage: \"No '%s'.\"\nnonword: true\ntokens: ['!']\n",
}
VOCAB = {"config/vocabularies/Brand/accept.txt": "Tidewell\n"}
TEXT = "A very cheap plan! By tidewell."


def project(tmp_path: Path, ini: str) -> Path:
    write_styles(tmp_path / "styles", RULES, vocab=VOCAB)
    (tmp_path / ".vale.ini").write_text(ini, encoding="utf-8")
    return tmp_path / ".vale.ini"


def checks(path: Path, file_name: str, text: str = TEXT) -> list[str]:
    return [alert.check for alert in load_vale_ini(path).rules_for(file_name).check(text)]


def test_sections_choose_styles_rules_and_levels_by_glob(tmp_path: Path) -> None:
    ini = project(
        tmp_path,
        "StylesPath = styles\n\n[*.{md,txt}]\nBasedOnStyles = Acme\n\n[*.txt]\nAcme.Soft = NO\nOther.Bang = YES\n",
    )
    assert checks(ini, "post.md") == ["Acme.Soft", "Acme.Hype"]
    assert checks(ini, "notes.txt") == ["Acme.Hype", "Other.Bang"]
    assert checks(ini, "main.go") == []  # no section, no rules


def test_min_alert_level_and_level_overrides(tmp_path: Path) -> None:
    ini = project(tmp_path, "StylesPath = styles\nMinAlertLevel = warning\n\n[*]\nBasedOnStyles = Acme\n")
    assert checks(ini, "a.md") == ["Acme.Hype"]
    ini = project(
        tmp_path, "StylesPath = styles\nMinAlertLevel = warning\n\n[*]\nBasedOnStyles = Acme\nAcme.Soft = error\n"
    )
    assert checks(ini, "a.md") == ["Acme.Soft", "Acme.Hype"]


def test_vale_style_brings_the_vocabulary_rules(tmp_path: Path) -> None:
    base = "StylesPath = styles\nVocab = Brand\n\n[*]\nBasedOnStyles = {}\n"
    assert "Vale.Terms" not in checks(project(tmp_path, base.format("Acme")), "a.md")
    assert "Vale.Terms" in checks(project(tmp_path, base.format("Vale, Acme")), "a.md")


def test_token_and_block_ignores(tmp_path: Path) -> None:
    ini = project(
        tmp_path,
        "StylesPath = styles\n\n[*]\nBasedOnStyles = Acme\n"
        "TokenIgnores = (\\{\\{<[^>]*>\\}\\}), (:[a-z]+:)\n"
        "BlockIgnores = (?s)(<!-- raw -->.*?<!-- /raw -->)\n",
    )
    text = "Use {{< ref cheap >}} and :cheap: here.\n\n<!-- raw -->\nvery cheap\n<!-- /raw -->\n\nStill cheap."
    alerts = load_vale_ini(ini).rules_for("a.md").check(text)
    assert [(alert.check, alert.line) for alert in alerts] == [("Acme.Hype", 7)]


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        ("StylesPath = nowhere\n", "key 'StylesPath': no folder"),
        ("StylesPath = styles\nMinAlertLevel = loud\n", "key 'MinAlertLevel': expected suggestion"),
        ("StylesPath = styles\n[*]\nBasedOnStyles = Nope\n", "key 'BasedOnStyles': no style 'Nope'"),
        ("StylesPath = styles\n[*]\nAcme.Hype = maybe\n", "key 'Acme.Hype': expected YES, NO or a level"),
        ("StylesPath = styles\n[*]\nTokenIgnores = (a[b)\n", "key 'TokenIgnores': bad regex '(a[b)'"),
        ("StylesPath = styles\nColour = red\n", "key 'Colour': unknown key"),
    ],
)
def test_bad_configuration_is_refused_with_key_and_reason(tmp_path: Path, ini: str, message: str) -> None:
    with pytest.raises(RuleLoadError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_vale_ini(project(tmp_path, ini))


def test_the_nearest_ini_is_found_from_a_subfolder(tmp_path: Path) -> None:
    ini = project(tmp_path, "StylesPath = styles\n")
    (tmp_path / "docs" / "guides").mkdir(parents=True)
    assert find_vale_ini(tmp_path / "docs" / "guides") == ini
