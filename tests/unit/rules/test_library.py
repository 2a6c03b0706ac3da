"""The installed rules: versions in the app database; adds and removes validate a copy and
publish it, or change nothing; every replica sharing the database sees the same rules."""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.rulebook import library
from brandbot.rules import RuleLoadError
from brandbot.services import Services
from brandbot.store import rule_versions
from brandbot.store.audit import entries
from brandbot.store.db import Database
from tests.conftest import make_settings
from tests.unit.rules.support import SHIPPED_RULES, write_styles

CHEAP = "extends: existence\nmessage: '%s'\nlevel: error\ntokens: [cheap]\n"
BANG = "extends: occurrence\nmessage: One '!'.\nmax: 1\ntoken: '!'\n"
BAD = "extends: existence\nmessage: x\ntokenz: [cheap]\n"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'b.db'}")
    database.create_schema()
    yield database
    database.dispose()


def ids(settings: Settings, db: Database) -> list[str]:
    return [info.id for info in library.list_rules(settings, db)]


def test_nothing_installed_is_an_empty_rule_set(settings: Settings, db: Database) -> None:
    assert len(library.load_active(settings, db)) == 0
    assert library.load_active(settings, db).check("cheap!!") == []
    assert rule_versions.current_id(db) is None


def test_add_a_rule_file_a_style_folder_and_a_styles_directory(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Other/Bang.yml": BANG})
    assert library.add(settings, db, source / "Acme" / "Cheap.yml", actor="alice") == ["Acme.Cheap"]
    assert library.add(settings, db, source / "Other" / "Bang.yml", style="Acme", actor="alice") == ["Acme.Bang"]
    assert ids(settings, db) == ["Acme.Bang", "Acme.Cheap"]
    assert library.add(settings, db, source / "Other", actor="alice") == ["Other.Bang"]
    added = library.add(settings, db, SHIPPED_RULES, actor="alice")
    assert "Tidewell.WordsToAvoid" in added
    assert ids(settings, db)[:2] == ["Tidewell.Acronyms", "Tidewell.Effort"]  # config.yml: only Tidewell is on now


def test_upper_case_extensions_install_and_remove_like_lower_case(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.YML": CHEAP, "Loud/Bang.Yaml": BANG})
    assert library.add(settings, db, source / "Acme" / "Cheap.YML", actor="alice") == ["Acme.Cheap"]
    archive = tmp_path / "LOUD.ZIP"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.write(source / "Loud" / "Bang.Yaml", "Loud/Bang.Yaml")
    assert library.add(settings, db, archive, actor="alice") == ["Loud.Bang"]
    assert library.remove(settings, db, "Acme.Cheap", actor="alice") == ["Acme.Cheap"]
    assert ids(settings, db) == ["Loud.Bang"]


def test_each_change_is_one_audited_version(settings: Settings, db: Database, tmp_path: Path) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG}) / "Acme"
    library.add(settings, db, source, actor="alice")
    first = rule_versions.current(db)
    library.remove(settings, db, "Acme.Bang", actor="bob")
    library.add(settings, db, source, actor="alice")
    latest = rule_versions.current(db)
    assert first is not None and latest is not None
    assert (first.id, first.rule_count, latest.id, latest.created_by) == (1, 2, 3, "alice")
    assert latest.digest == first.digest  # the same rules pack to the same bytes
    published = [entry for entry in entries(db) if entry.action == "rules.published"]
    assert [(entry.actor, entry.detail["version"]) for entry in published] == [("alice", 1), ("bob", 2), ("alice", 3)]


def test_a_style_folder_replaces_its_namesake(settings: Settings, db: Database, tmp_path: Path) -> None:
    one = write_styles(tmp_path / "one", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG})
    library.add(settings, db, one / "Acme", actor="alice")
    library.add(settings, db, write_styles(tmp_path / "two", {"Acme/Bang.yml": BANG}) / "Acme", actor="alice")
    assert ids(settings, db) == ["Acme.Bang"]


def test_a_bad_rule_file_leaves_the_active_rules_unchanged(settings: Settings, db: Database, tmp_path: Path) -> None:
    library.add(settings, db, write_styles(tmp_path / "good", {"Acme/Cheap.yml": CHEAP}) / "Acme", actor="alice")
    before = library.load_active(settings, db)
    bad = write_styles(tmp_path / "bad", {"Acme/Bad.yml": BAD})
    with pytest.raises(RuleLoadError, match=r"^Acme/Bad.yml: key 'tokenz': unknown key for existence$"):
        library.add(settings, db, bad / "Acme" / "Bad.yml", actor="alice")
    after = library.load_active(settings, db)
    assert after.describe() == before.describe()
    assert [alert.check for alert in after.check("cheap")] == ["Acme.Cheap"]
    assert rule_versions.current_id(db) == 1
    assert [path.name for path in settings.data_dir.iterdir() if path.name.startswith(".rules-")] == []


def test_a_style_the_config_leaves_off_is_refused(settings: Settings, db: Database, tmp_path: Path) -> None:
    library.add(settings, db, SHIPPED_RULES, actor="alice")
    with pytest.raises(RuleLoadError, match="'Acme' is added but not enabled"):
        library.add(settings, db, write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP}) / "Acme", actor="alice")
    assert "Acme.Cheap" not in ids(settings, db)


def test_add_a_zip_of_a_style_folder(settings: Settings, db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "acme.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Acme/Cheap.yml", CHEAP)
        zipped.writestr("Acme/Bang.yml", BANG)
    assert library.add(settings, db, archive, actor="alice") == ["Acme.Bang", "Acme.Cheap"]


def test_a_zip_that_escapes_its_folder_is_refused(settings: Settings, db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../escaped.yml", CHEAP)
    with pytest.raises(RuleLoadError, match="would unpack outside the archive"):
        library.add(settings, db, archive, actor="alice")
    assert not (tmp_path / "escaped.yml").exists() and rule_versions.current_id(db) is None


def test_remove_a_rule_or_a_style(settings: Settings, db: Database, tmp_path: Path) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG})
    library.add(settings, db, source / "Acme", actor="alice")
    assert library.remove(settings, db, "Acme.Bang", actor="bob") == ["Acme.Bang"]
    assert ids(settings, db) == ["Acme.Cheap"]
    assert library.remove(settings, db, "Acme", actor="bob") == ["Acme.Cheap"]
    assert ids(settings, db) == []
    with pytest.raises(LookupError, match="no rule or style 'Acme'"):
        library.remove(settings, db, "Acme", actor="bob")


def test_removing_a_rule_the_config_names_changes_nothing(settings: Settings, db: Database) -> None:
    library.add(settings, db, SHIPPED_RULES, actor="alice")
    with pytest.raises(RuleLoadError, match=r"config\.yml: key 'rules\.Tidewell\.TrialDisclaimer': no such rule"):
        library.remove(settings, db, "Tidewell.TrialDisclaimer", actor="bob")
    assert "Tidewell.TrialDisclaimer" in ids(settings, db)
    assert rule_versions.current_id(db) == 1


def test_a_version_published_meanwhile_is_built_on_not_overwritten(
    settings: Settings, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Other/Bang.yml": BANG})
    publish = rule_versions.publish

    def another_replica_first(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(rule_versions, "publish", publish)
        library.add(settings, db, source / "Other", actor="carol")
        return publish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rule_versions, "publish", another_replica_first)
    assert library.add(settings, db, source / "Acme", actor="alice") == ["Acme.Cheap"]
    assert ids(settings, db) == ["Acme.Cheap", "Other.Bang"]
    assert rule_versions.current_id(db) == 2


def test_concurrent_changes_from_two_processes_all_land(settings: Settings, tmp_path: Path) -> None:
    """Each thread has its own engine, as two replicas would: SQLite serializes the publishes."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Database(url).create_schema()
    styles = {f"S{n}/Cheap.yml": CHEAP for n in range(4)}
    source = write_styles(tmp_path / "src", styles)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def install(names: list[str]) -> None:
        replica = Database(url)
        try:
            start.wait()
            for name in names:
                library.add(settings, replica, source / name, actor=name)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)
        finally:
            replica.dispose()

    threads = [threading.Thread(target=install, args=(names,)) for names in (["S0", "S1"], ["S2", "S3"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    check = Database(url)
    assert ids(settings, check) == [f"S{n}.Cheap" for n in range(4)]
    check.dispose()


def test_rules_installed_through_one_replica_apply_on_another(tmp_path: Path) -> None:
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    one = Services(make_settings(tmp_path / "one", database_url=shared))
    two = Services(make_settings(tmp_path / "two", database_url=shared))
    try:
        assert len(two.rules()) == 0
        source = write_styles(tmp_path / "src", {"Acme/Cheap.yml": CHEAP, "Acme/Bang.yml": BANG}) / "Acme"
        library.add(one.settings, one.db, source, actor="alice")
        assert {alert.check for alert in two.rules().check("cheap!!")} == {"Acme.Bang", "Acme.Cheap"}
        assert two.rules() is two.rules()  # loaded once per version
        library.remove(two.settings, two.db, "Acme.Cheap", actor="bob")
        assert [info.id for info in one.rules().describe()] == ["Acme.Bang"]
        assert [info.id for info in two.rules().describe()] == ["Acme.Bang"]
    finally:
        one.close()
        two.close()


@pytest.mark.parametrize("layout", ["folder", "symlink to a version"])
def test_a_rules_directory_from_before_is_published_on_first_use(
    settings: Settings, db: Database, tmp_path: Path, layout: str
) -> None:
    root = settings.resolved_rules_path
    if layout == "folder":
        write_styles(root, {"Mine/Cheap.yml": CHEAP})
    else:  # what `rules add` left before rules lived in the database
        write_styles(root.parent / ".rules.versions" / "1", {"Mine/Cheap.yml": CHEAP})
        os.symlink(".rules.versions/1", root, target_is_directory=True)
    assert ids(settings, db) == ["Mine.Cheap"]
    assert rule_versions.current_id(db) == 1
    library.add(settings, db, write_styles(tmp_path / "src", {"Acme/Bang.yml": BANG}) / "Acme", actor="alice")
    assert ids(settings, db) == ["Acme.Bang", "Mine.Cheap"]
    assert (root / "Mine" / "Cheap.yml").is_file()  # left in place, no longer read
    write_styles(root, {"Mine/Bang.yml": BANG})
    assert ids(settings, db) == ["Acme.Bang", "Mine.Cheap"]
