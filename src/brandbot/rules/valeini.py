"""`.vale.ini`: a team's existing Vale configuration, read as Vale reads it, so `brandbot rules
check` lints a repository the way `vale` would.

    StylesPath = styles          # relative to the ini file
    MinAlertLevel = suggestion   # alerts below it are not shown
    Vocab = Tidewell             # accepted/rejected terms (config/vocabularies/<Name>/ or Vocab/<Name>/)

    [*.{md,txt}]                 # a glob: which files the section applies to
    BasedOnStyles = Vale, Tidewell
    Tidewell.Exclamation = NO    # YES, NO or a level
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from brandbot.rules import matching
from brandbot.rules.alert import Level
from brandbot.rules.config import OFF, ON, Ignores, RuleSettings, StylesConfig
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.loader import build_rules, rule_files, style_folders
from brandbot.rules.ruleset import RuleSet

INI_NAMES = (".vale.ini", "_vale.ini")
BUILT_IN = "Vale"
"""Vale's own style: the vocabulary rules (Vale.Terms, Vale.Avoid)."""
_SWITCHES = {"yes": ON, "no": OFF, **{level.value: level.value for level in Level}}
_GLOBAL_KEYS = frozenset(
    {"stylespath", "minalertlevel", "vocab", "packages", "ignoredscopes", "skippedscopes", "ignoredclasses"}
    | {"wordtemplate", "nlpendpoint"}
)
_SECTION_KEYS = frozenset({"transform", "lang", "commentdelimiters"})
"""Accepted as Vale accepts them; brandbot has no XSLT transforms, languages or code comments."""


@dataclass(frozen=True, slots=True)
class Section:
    glob: str
    based_on: tuple[str, ...] = ()
    rules: tuple[tuple[str, str], ...] = ()
    """Rule id -> "on", "off" or a level, in the order written."""
    ignores: Ignores = field(default_factory=Ignores)

    def applies_to(self, file_name: str) -> bool:
        return any(fnmatch.fnmatchcase(file_name, pattern) for pattern in _expand_braces(self.glob))


@dataclass(frozen=True)
class ValeProject:
    """The rules of every style the ini names, and which of them each file gets."""

    rules: RuleSet
    sections: tuple[Section, ...] = ()
    min_level: Level = Level.suggestion
    _by_file: dict[str, RuleSet] = field(default_factory=dict, repr=False, compare=False)

    def rules_for(self, file_name: str) -> RuleSet:
        """The rules for a file, by the sections whose glob matches its name, later ones
        winning; a file no section matches gets no rules, as in Vale."""
        applying = tuple(section for section in self.sections if section.applies_to(Path(file_name).name))
        key = "\0".join(section.glob for section in applying)
        if key not in self._by_file:
            self._by_file[key] = replace(self.rules, config=self._config(applying))
        return self._by_file[key]

    def _config(self, sections: tuple[Section, ...]) -> StylesConfig:
        based_on = {style for section in sections for style in section.based_on}
        known = {check.definition.id for check in self.rules.checks}
        settings = [(rule, OFF) for rule in sorted(known) if rule.split(".")[0] not in based_on]
        settings += [(rule, value) for section in sections for rule, value in section.rules if rule in known]
        ignores = Ignores(
            tuple(pattern for section in sections for pattern in section.ignores.tokens),
            tuple(pattern for section in sections for pattern in section.ignores.blocks),
        )
        return replace(
            self.rules.config,
            rules=RuleSettings(tuple(settings), "rules"),
            min_level=self.min_level,
            ignores=ignores,
        )


def find_vale_ini(start: Path) -> Path | None:
    """The nearest `.vale.ini` (or `_vale.ini`) in `start` or a folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in INI_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def load_vale_ini(path: Path) -> ValeProject:
    """Raises RuleLoadError naming the ini, the key and the reason."""
    where = path.name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RuleLoadError(f"{where}: cannot read the file: {error}") from None
    top, sections = _parse(lines, where)
    styles_path = (path.parent / top.get("stylespath", ".")).resolve()
    if not styles_path.is_dir():
        raise RuleLoadError.at(where, "StylesPath", f"no folder {styles_path}")
    min_level = top.get("minalertlevel", Level.suggestion.value).lower()
    if min_level not in Level.__members__:
        raise RuleLoadError.at(where, "MinAlertLevel", f"expected suggestion, warning or error, found '{min_level}'")
    present = style_folders(styles_path)
    named = [style for section in sections for style in section.based_on]
    named += [rule.split(".")[0] for section in sections for rule, _ in section.rules]
    for style in dict.fromkeys(named):
        if style != BUILT_IN and style not in present:
            raise RuleLoadError.at(where, "BasedOnStyles", f"no style '{style}' in {styles_path}")
    styles = tuple(style for style in dict.fromkeys(named) if style in present and rule_files(present[style]))
    vocab = tuple(_list(top.get("vocab", "")))
    rules = build_rules(styles_path, StylesConfig(styles=styles, vocab=vocab), where)
    return ValeProject(rules, tuple(sections), Level(min_level))


def _parse(lines: list[str], where: str) -> tuple[dict[str, str], list[Section]]:
    top: dict[str, str] = {}
    sections: list[Section] = []
    current: dict[str, str] | None = None
    glob = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            if current is not None:
                sections.append(_section(glob, current))
            glob, current = line[1:-1].strip(), {}
            continue
        key, equals, value = line.partition("=")
        if not equals:
            raise RuleLoadError(f"{where}: line {number}: expected 'Key = value', found '{line}'")
        key, value = key.strip(), value.strip()
        if current is None:
            if key.lower() not in _GLOBAL_KEYS:
                raise RuleLoadError.at(where, key, "unknown key before the first [section]")
            top[key.lower()] = value
        else:
            current[key] = value
    if current is not None:
        sections.append(_section(glob, current))
    return top, [section for section in sections if section.glob != "formats"]


def _section(glob: str, keys: dict[str, str]) -> Section:
    based_on: tuple[str, ...] = ()
    rules = []
    ignored: dict[str, tuple[str, ...]] = {"tokenignores": (), "blockignores": ()}
    for key, value in keys.items():
        if key.lower() == "basedonstyles":
            based_on = tuple(_list(value))
        elif key.lower() in ignored:
            ignored[key.lower()] = _patterns(glob, key, value)
        elif "." in key:
            setting = _SWITCHES.get(value.lower())
            if setting is None:
                raise RuleLoadError.at(f"[{glob}]", key, f"expected YES, NO or a level, found '{value}'")
            rules.append((key, setting))
        elif key.lower() not in _SECTION_KEYS:
            raise RuleLoadError.at(f"[{glob}]", key, "unknown key")
    return Section(glob, based_on, tuple(rules), Ignores(ignored["tokenignores"], ignored["blockignores"]))


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _patterns(glob: str, key: str, value: str) -> tuple[str, ...]:
    """Regexes separated by commas outside any group or class, each checked now."""
    patterns, depth, start = [], 0, 0
    for index, char in enumerate(value):
        escaped = index > 0 and value[index - 1] == "\\"
        if char in "([{" and not escaped:
            depth += 1
        elif char in ")]}" and not escaped:
            depth -= 1
        elif char == "," and depth == 0:
            patterns.append(value[start:index])
            start = index + 1
    patterns.append(value[start:])
    checked = tuple(pattern.strip() for pattern in patterns if pattern.strip())
    for pattern in checked:
        try:
            matching.compile(pattern)
        except matching.error as error:
            raise RuleLoadError.at(f"[{glob}]", key, f"bad regex '{pattern}': {error}") from None
    return checked


def _expand_braces(glob: str) -> list[str]:
    """`*.{md,rst}` -> `*.md`, `*.rst` (fnmatch has no braces)."""
    found = re.search(r"\{([^{}]*)\}", glob)
    if found is None:
        return [glob]
    return [
        expanded
        for choice in found[1].split(",")
        for expanded in _expand_braces(glob[: found.start()] + choice + glob[found.end() :])
    ]
