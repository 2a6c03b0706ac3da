"""The installed rules: adds and removes validate a copy and swap it in, or change nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.rules import RuleLoadError, library
from tests.unit.rules.support import SHIPPED_RULES, write_styles

CHEAP = "extends: existence\nmessage: '%s'\nlevel: error\ntokens: [cheap]\n"
BANG = "extends: occurrence\nmessage: One '!'.\nmax: 1\ntoken: '!'\n"
BAD = "extends: existence\nmessage: x\ntokenz: [cheap]\n"


def ids(settings: Settings) -> list[str]:
    return [info.id for info in library.list_rules(settings)]


def test_nothing_installed_is_an_empty_rule_set(settings: Settings) -> None:
    assert len(library.load_active(settings)) == 0
    assert library.load_active(settings).check("cheap!!") == []


def test_add_a_rule_file_a_style_folder_and_a_styles_directory(settings: Settings, tmp_path: Path) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Other/Bang.yml": BANG})
    assert library.add(settings, source / "Acme" / "Cheap.yml") == ["Acme.Cheap"]
    assert library.add(settings, source / "Other" / "Bang.yml", style="Acme") == ["Acme.Bang"]
    assert ids(settings) == ["Acme.Bang", "Acme.Cheap"]
    assert library.add(settings, source / "Other") == ["Other.Bang"]
    added = library.add(settings, SHIPPED_RULES)
    assert "Tidewell.WordsToAvoid" in added
    assert ids(settings)[:2] == ["Tidewell.Acronyms", "Tidewell.Effort"]  # config.yml: only Tidewell is on now
    assert settings.resolved_rules_path.is_symlink()


def test_a_style_folder_replaces_its_namesake(settings: Settings, tmp_path: Path) -> None:
    library.add(settings, write_styles(tmp_path / "one", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG}) / "Acme")
    library.add(settings, write_styles(tmp_path / "two", {"Acme/Bang.yml": BANG}) / "Acme")
    assert ids(settings) == ["Acme.Bang"]


def test_a_bad_rule_file_leaves_the_active_rules_unchanged(settings: Settings, tmp_path: Path) -> None:
    library.add(settings, write_styles(tmp_path / "good", {"Acme/Cheap.yml": CHEAP}) / "Acme")
    before = library.load_active(settings)
    bad = write_styles(tmp_path / "bad", {"Acme/Bad.yml": BAD})
    with pytest.raises(RuleLoadError, match=r"^Acme/Bad.yml: key 'tokenz': unknown key for existence$"):
        library.add(settings, bad / "Acme" / "Bad.yml")
    after = library.load_active(settings)
    assert after.describe() == before.describe()
    assert [alert.check for alert in after.check("cheap")] == ["Acme.Cheap"]
    assert not (settings.resolved_rules_path / "Acme" / "Bad.yml").exists()


def test_a_style_the_config_leaves_off_is_refused(settings: Settings, tmp_path: Path) -> None:
    library.add(settings, SHIPPED_RULES)
    with pytest.raises(RuleLoadError, match="'Acme' is added but not enabled"):
        library.add(settings, write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP}) / "Acme")
    assert "Acme.Cheap" not in ids(settings)


def test_add_a_zip_of_a_style_folder(settings: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "acme.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Acme/Cheap.yml", CHEAP)
        zipped.writestr("Acme/Bang.yml", BANG)
    assert library.add(settings, archive) == ["Acme.Bang", "Acme.Cheap"]


def test_a_zip_that_escapes_its_folder_is_refused(settings: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../escaped.yml", CHEAP)
    with pytest.raises(RuleLoadError, match="would unpack outside the archive"):
        library.add(settings, archive)
    assert not (tmp_path / "escaped.yml").exists() and not settings.resolved_rules_path.exists()


def test_remove_a_rule_or_a_style(settings: Settings, tmp_path: Path) -> None:
    library.add(settings, write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG}) / "Acme")
    assert library.remove(settings, "Acme.Bang") == ["Acme.Bang"]
    assert ids(settings) == ["Acme.Cheap"]
    assert library.remove(settings, "Acme") == ["Acme.Cheap"]
    assert ids(settings) == []
    with pytest.raises(LookupError, match="no rule or style 'Acme'"):
        library.remove(settings, "Acme")


def test_removing_a_rule_the_config_names_changes_nothing(settings: Settings) -> None:
    library.add(settings, SHIPPED_RULES)
    with pytest.raises(RuleLoadError, match=r"config\.yml: key 'rules\.Tidewell\.TrialDisclaimer': no such rule"):
        library.remove(settings, "Tidewell.TrialDisclaimer")
    assert "Tidewell.TrialDisclaimer" in ids(settings)


def test_old_versions_are_pruned(settings: Settings, tmp_path: Path) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP}) / "Acme"
    for _ in range(4):
        library.add(settings, source)
    root = settings.resolved_rules_path
    assert len(list((root.parent / f".{root.name}.versions").iterdir())) == 2


def test_a_hand_made_rules_directory_is_kept_aside_not_deleted(settings: Settings, tmp_path: Path) -> None:
    root = write_styles(settings.resolved_rules_path, {"Mine/Cheap.yml": CHEAP})
    library.add(settings, write_styles(tmp_path / "src", {"Acme/Bang.yml": BANG}) / "Acme")
    assert ids(settings) == ["Acme.Bang", "Mine.Cheap"]
    (kept,) = root.parent.glob("rules.before-brandbot-*")
    assert (kept / "Mine" / "Cheap.yml").is_file()
