"""The installed rules: a styles directory, published as versions in the app database
(`brandbot.store.rule_versions`), so every replica drafts with the same rules.

Every change is made to a copy of the current version, loaded in full, and only then published
as the next version: a bad rule file therefore changes nothing, and a reader sees the old
version or the new one, never a mix.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from brandbot import archives
from brandbot.config import Settings
from brandbot.rules.config import CONFIG_FILE
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.loader import NOT_STYLES, RULE_SUFFIXES, load_styles, rule_files
from brandbot.rules.ruleset import RuleInfo, RuleSet
from brandbot.rules.vocab import VOCAB_FOLDERS
from brandbot.store import rule_versions
from brandbot.store.db import Database
from brandbot.store.rule_versions import OnPublish, RuleVersion

_ATTEMPTS = 5
"""Changes rebuilt on a version another process published meanwhile, before giving up."""

Change = Callable[[Path], tuple[list[str], RuleSet]]
"""Edits a styles directory in place; returns the rule ids it touched and the rules it loads to."""


def load_active(settings: Settings, db: Database) -> RuleSet:
    """The current rules; an empty RuleSet when none are installed."""
    version = _current(settings, db)
    if version is None:
        return RuleSet()
    with _scratch(settings) as scratch:
        # load_styles reads every file up front, so the unpacked copy can go right after.
        return replace(load_styles(_unpacked(version, scratch)), version=version.id)


def list_rules(settings: Settings, db: Database) -> list[RuleInfo]:
    return load_active(settings, db).describe()


def add(
    settings: Settings,
    db: Database,
    source: Path,
    style: str | None = None,
    *,
    actor: str,
    on_publish: OnPublish | None = None,
) -> list[str]:
    """Install a rule file (into `style`, default: the folder it sits in), a style folder, a
    whole styles directory (config.yml and vocabularies included) or a .zip of one; a style
    folder replaces the installed one of that name. Returns the rule ids added. `on_publish`
    runs in the transaction that publishes them (`rule_versions.publish`)."""
    with _scratch(settings) as scratch:
        incoming = _unpack(source, Path(scratch), style, settings.max_upload_bytes, settings.max_zip_ratio)
        added = [
            f"{folder.name}.{file.stem}"
            for folder in sorted(incoming.iterdir())
            if folder.is_dir() and folder.name not in NOT_STYLES
            for file in rule_files(folder)
        ]

        def merge(staged: Path) -> tuple[list[str], RuleSet]:
            _merge(incoming, staged, whole_folders=source.suffix.lower() not in RULE_SUFFIXES)
            rules = load_styles(staged)
            loaded = {info.id for info in rules.describe()}
            missing = [rule_id for rule_id in added if rule_id not in loaded]
            if missing:
                raise RuleLoadError.at(
                    CONFIG_FILE, "styles", f"'{missing[0].split('.')[0]}' is added but not enabled; list it there"
                )
            return added, rules

        return _publish_change(settings, db, actor, merge, on_publish)


def remove(settings: Settings, db: Database, rule_or_style: str, *, actor: str) -> list[str]:
    """Remove one rule (Style.Rule) or a whole style; returns the rule ids removed."""
    style, _, name = rule_or_style.partition(".")
    if not style or style in NOT_STYLES:
        raise LookupError(f"no rule or style '{rule_or_style}' (see `brandbot rules list`)")

    def delete(staged: Path) -> tuple[list[str], RuleSet]:
        before = {info.id for info in load_styles(staged).describe()}
        folder = staged / style
        if name:
            found = [entry for entry in rule_files(folder) if entry.stem == name] if folder.is_dir() else []
        else:
            found = [folder] if folder.exists() else []
        if not found:
            raise LookupError(f"no rule or style '{rule_or_style}' (see `brandbot rules list`)")
        for target in found:
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        rules = load_styles(staged)
        return sorted(before - {info.id for info in rules.describe()}), rules

    return _publish_change(settings, db, actor, delete)


def _publish_change(
    settings: Settings, db: Database, actor: str, change: Change, on_publish: OnPublish | None = None
) -> list[str]:
    """Applies `change` to a copy of the current version and publishes the result; when another
    process published first, the change is made again on top of its version, not over it."""
    for _ in range(_ATTEMPTS):
        base = _current(settings, db)
        with _scratch(settings) as scratch:
            staged = _unpacked(base, scratch)
            touched, rules = change(staged)
            based_on = base.id if base else None
            if rule_versions.publish(db, _pack(staged), actor, len(rules), based_on=based_on, on_publish=on_publish):
                return touched
    raise RuleLoadError(f"the rules changed {_ATTEMPTS} times while this change was being checked; try again")


def _current(settings: Settings, db: Database) -> RuleVersion | None:
    """The current version. An installation from before rules lived in the database has them
    in a folder at `resolved_rules_path`: the first use publishes that folder (left in place)."""
    version = rule_versions.current(db)
    folder = settings.resolved_rules_path
    if version is not None or not folder.is_dir():
        return version
    folder = folder.resolve()  # a symlink to the folder's last version
    rules = load_styles(folder)
    return rule_versions.publish(db, _pack(folder), "brandbot", len(rules), based_on=None) or rule_versions.current(db)


def _scratch(settings: Settings) -> tempfile.TemporaryDirectory[str]:
    """Beside the app's own data, so `_unpack` can tell a source folder that holds it."""
    settings.ensure_dirs()
    return tempfile.TemporaryDirectory(prefix=".rules-", dir=settings.data_dir)


def _unpacked(version: RuleVersion | None, scratch: str) -> Path:
    """The version's styles directory, laid out under `scratch` (empty for no version)."""
    styles = Path(scratch) / "styles"
    styles.mkdir()
    if version is not None:
        with zipfile.ZipFile(io.BytesIO(version.archive)) as archive:
            archive.extractall(styles)
    return styles


def _pack(styles: Path) -> bytes:
    """A zip of the styles directory with sorted names and fixed timestamps: the same rules
    always give the same bytes, and so the same digest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(entry for entry in styles.rglob("*") if entry.is_file()):
            archive.writestr(
                zipfile.ZipInfo(file.relative_to(styles).as_posix()), file.read_bytes(), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _unpack(source: Path, scratch: Path, style: str | None, limit: int, max_ratio: float) -> Path:
    """The source laid out as a styles directory under `scratch`."""
    incoming = scratch / "styles"
    incoming.mkdir()
    if source.is_file() and source.suffix.lower() in RULE_SUFFIXES:
        folder = incoming / (style or source.resolve().parent.name)
        folder.mkdir()
        shutil.copy2(source, folder / source.name)
    elif source.is_file() and source.suffix.lower() == ".zip":
        extracted = scratch / "zip"
        _extract(source, extracted, limit, max_ratio)
        entries = [entry for entry in extracted.iterdir() if not entry.name.startswith((".", "__MACOSX"))]
        only = entries[0] if len(entries) == 1 and entries[0].is_dir() else extracted
        _copy_folder(only, incoming, style or (only.name if only is not extracted else source.stem))
    elif source.is_dir():
        if scratch.resolve().is_relative_to(source.resolve()):
            raise RuleLoadError(f"{source}: holds brandbot's own data directory; add the styles folder itself")
        _copy_folder(source, incoming, style or source.resolve().name)
    else:
        raise RuleLoadError(f"{source}: not a rule file (.yml), a style folder, a styles directory or a .zip")
    return incoming


def _copy_folder(folder: Path, incoming: Path, style: str) -> None:
    if _is_styles_directory(folder):
        shutil.copytree(folder, incoming, dirs_exist_ok=True)
    elif rule_files(folder):
        shutil.copytree(folder, incoming / style)
    else:
        raise RuleLoadError(f"{folder}: no rule files (.yml) in it")


def _is_styles_directory(folder: Path) -> bool:
    return (
        (folder / CONFIG_FILE).is_file()
        or any((folder / vocab).is_dir() for vocab in VOCAB_FOLDERS)
        or any(entry.is_dir() and rule_files(entry) for entry in folder.iterdir())
    )


def _merge(incoming: Path, staged: Path, whole_folders: bool) -> None:
    for entry in sorted(incoming.iterdir()):
        target = staged / entry.name
        if entry.is_file():
            shutil.copy2(entry, target)
        elif entry.name in NOT_STYLES:
            _merge_vocabularies(entry, target)
        elif whole_folders or not target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(entry, target)
        else:
            for file in rule_files(entry):
                shutil.copy2(file, target / file.name)


def _merge_vocabularies(incoming: Path, target: Path) -> None:
    """Vocab/<Name>/ (or config/vocabularies/<Name>/): each vocabulary replaces its namesake."""
    vocabularies = [
        entry
        for entry in incoming.rglob("*")
        if any((entry / f"{kind}.txt").is_file() for kind in ("accept", "reject"))
    ]
    for vocabulary in vocabularies:
        destination = target / vocabulary.relative_to(incoming)
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(vocabulary, destination)


def _extract(archive_path: Path, into: Path, limit: int, max_ratio: float) -> None:
    """Unzip, refusing entries that would land outside `into`, and archives that unpack past
    `limit` bytes, hold a member past `max_ratio` or an encrypted one (`archives.refusal`)."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            if reason := archives.refusal(archive, limit, max_ratio):
                raise RuleLoadError(f"{archive_path.name}: {reason}")
            base = into.resolve()
            for member in archive.infolist():
                target = (into / member.filename).resolve()
                if not target.is_relative_to(base):
                    raise RuleLoadError(f"{archive_path.name}: '{member.filename}' would unpack outside the archive")
            archive.extractall(into)
    except zipfile.BadZipFile as error:
        raise RuleLoadError(f"{archive_path.name}: not a zip archive ({error})") from None
