"""The installed rules: a styles directory at `settings.resolved_rules_path`, managed like the
guideline documents.

Every change is made to a copy, loaded in full, and only then published: the rules path is a
symlink to the current version, replaced in one rename. A bad rule file therefore changes
nothing, and a reader loading the rules sees the old version or the new one, never a mix.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from brandbot.config import Settings
from brandbot.rules.config import CONFIG_FILE
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.loader import NOT_STYLES, RULE_SUFFIXES, load_styles, rule_files
from brandbot.rules.ruleset import RuleInfo, RuleSet
from brandbot.rules.vocab import VOCAB_FOLDERS

_KEPT_VERSIONS = 2
"""The current version and the one before, which a reader may still be loading."""


def load_active(settings: Settings) -> RuleSet:
    """The installed rules; an empty RuleSet when none are installed."""
    root = settings.resolved_rules_path
    # Resolved once, so a change published halfway through loading can't mix two versions.
    return load_styles(root.resolve()) if root.is_dir() else RuleSet()


def list_rules(settings: Settings) -> list[RuleInfo]:
    return load_active(settings).describe()


def add(settings: Settings, source: Path, style: str | None = None) -> list[str]:
    """Install a rule file (into `style`, default: the folder it sits in), a style folder, a
    whole styles directory (config.yml and vocabularies included) or a .zip of one; a style
    folder replaces the installed one of that name. Returns the rule ids added."""
    root = settings.resolved_rules_path
    with _locked(root), tempfile.TemporaryDirectory(prefix=".incoming-", dir=_parent(root)) as scratch:
        incoming = _unpack(source, Path(scratch), style, settings.max_upload_bytes)
        added = [
            f"{folder.name}.{file.stem}"
            for folder in sorted(incoming.iterdir())
            if folder.is_dir() and folder.name not in NOT_STYLES
            for file in rule_files(folder)
        ]
        with _staged(root) as staged:
            _merge(incoming, staged, whole_folders=source.suffix not in RULE_SUFFIXES)
            loaded = {info.id for info in load_styles(staged).describe()}
            missing = [rule_id for rule_id in added if rule_id not in loaded]
            if missing:
                raise RuleLoadError.at(
                    CONFIG_FILE, "styles", f"'{missing[0].split('.')[0]}' is added but not enabled; list it there"
                )
    return added


def remove(settings: Settings, rule_or_style: str) -> list[str]:
    """Remove one rule (Style.Rule) or a whole style; returns the rule ids removed."""
    root = settings.resolved_rules_path
    style, _, name = rule_or_style.partition(".")
    if not style or style in NOT_STYLES:
        raise LookupError(f"no rule or style '{rule_or_style}' (see `brandbot rules list`)")
    with _locked(root), _staged(root) as staged:
        before = {info.id for info in load_styles(staged).describe()}
        folder = staged / style
        targets = [folder / f"{name}{suffix}" for suffix in RULE_SUFFIXES] if name else [folder]
        found = [target for target in targets if target.exists()]
        if not found:
            raise LookupError(f"no rule or style '{rule_or_style}' (see `brandbot rules list`)")
        for target in found:
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        after = {info.id for info in load_styles(staged).describe()}
    return sorted(before - after)


def _parent(root: Path) -> Path:
    root.parent.mkdir(parents=True, exist_ok=True)
    return root.parent


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time; readers never wait."""
    with open(_parent(root) / f".{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextmanager
def _staged(root: Path) -> Iterator[Path]:
    """A copy of the installed rules to change; published if the block finishes, else dropped."""
    versions = _parent(root) / f".{root.name}.versions"
    versions.mkdir(exist_ok=True)
    staged = versions / f"{time.time_ns()}"
    if root.is_dir():
        shutil.copytree(root, staged)
    else:
        staged.mkdir()
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _publish(root, staged, versions)


def _publish(root: Path, staged: Path, versions: Path) -> None:
    link = root.parent / f".{root.name}.{staged.name}.link"
    link.symlink_to(os.path.relpath(staged, root.parent), target_is_directory=True)
    if root.is_dir() and not root.is_symlink():
        # A styles directory made by hand (its rules are in the staged copy) is kept beside it,
        # never deleted; from now on every change is a single rename of the link.
        root.rename(root.with_name(f"{root.name}.before-brandbot-{staged.name}"))
    os.replace(link, root)
    current = staged.resolve()
    for old in sorted(versions.iterdir(), key=lambda entry: int(entry.name))[:-_KEPT_VERSIONS]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def _unpack(source: Path, scratch: Path, style: str | None, limit: int) -> Path:
    """The source laid out as a styles directory under `scratch`."""
    incoming = scratch / "styles"
    incoming.mkdir()
    if source.is_file() and source.suffix in RULE_SUFFIXES:
        folder = incoming / (style or source.resolve().parent.name)
        folder.mkdir()
        shutil.copy2(source, folder / source.name)
    elif source.is_file() and source.suffix == ".zip":
        extracted = scratch / "zip"
        _extract(source, extracted, limit)
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


def _extract(archive_path: Path, into: Path, limit: int) -> None:
    """Unzip, refusing entries that would land outside `into` and archives over `limit` bytes."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > limit:
                raise RuleLoadError(f"{archive_path.name}: unpacks to more than {limit // (1024 * 1024)} MB")
            base = into.resolve()
            for member in members:
                target = (into / member.filename).resolve()
                if not target.is_relative_to(base):
                    raise RuleLoadError(f"{archive_path.name}: '{member.filename}' would unpack outside the archive")
            archive.extractall(into)
    except zipfile.BadZipFile as error:
        raise RuleLoadError(f"{archive_path.name}: not a zip archive ({error})") from None
