"""Loads a styles directory into a RuleSet: every rule file validated and compiled, or nothing.

styles/
  config.yml                 optional: which styles, vocabularies and levels apply to what
  Tidewell/Banned.yml        rule id Tidewell.Banned
  Vocab/Tidewell/accept.txt  optional vocabularies (or Vale's config/vocabularies/<Name>/)
"""

from __future__ import annotations

from pathlib import Path

from brandbot.rules import vocab
from brandbot.rules.actions import ACTIONS
from brandbot.rules.alert import Action, Level
from brandbot.rules.checks import CHECK_TYPES, UNSUPPORTED_TYPES
from brandbot.rules.checks.base import COMMON_KEYS, Check, Definition, RuleSource
from brandbot.rules.config import CONFIG_FILE, StylesConfig, read_config
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.keys import Keys, read_yaml
from brandbot.rules.ruleset import RuleSet
from brandbot.rules.scope import Scope

RULE_SUFFIXES = (".yml", ".yaml")
NOT_STYLES = frozenset({"Vocab", "config"})


def load_styles(path: Path) -> RuleSet:
    """Raises RuleLoadError with one line naming the file, the key and the reason."""
    if not path.is_dir():
        raise RuleLoadError(f"{path}: not a styles directory")
    return build_rules(path, read_config(path), CONFIG_FILE)


def build_rules(path: Path, config: StylesConfig, config_name: str) -> RuleSet:
    """The styles and vocabularies `config` names (default: all there are) under `path`;
    `config_name` is how errors name the configuration."""
    folders = style_folders(path)
    styles = config.styles if config.styles is not None else tuple(folders)
    vocabularies = vocab.available(path)
    vocab_names = config.vocab if config.vocab is not None else tuple(vocabularies)
    for key, names, present in (("styles", styles, folders), ("vocab", vocab_names, vocabularies)):
        for name in names:
            if name not in present:
                raise RuleLoadError.at(config_name, key, f"no folder for '{name}' in {path}")
    for style in styles:
        if "." in style:
            raise RuleLoadError(f"{style}/: a style name can't contain '.' (rule ids are Style.Rule)")
    vocabulary = vocab.read(path, vocab_names)
    checks = [
        load_rule(file, f"{style}/{file.name}", vocabulary.accept)
        for style in styles
        for file in rule_files(folders[style])
    ]
    checks.extend(vocab.checks(vocabulary))
    config.check_rule_ids({check.definition.id for check in checks})
    return RuleSet(tuple(checks), config)


def style_folders(path: Path) -> dict[str, Path]:
    return {
        entry.name: entry
        for entry in sorted(path.iterdir())
        if entry.is_dir() and entry.name not in NOT_STYLES and not entry.name.startswith(".")
    }


def rule_files(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir() if entry.suffix.lower() in RULE_SUFFIXES and entry.is_file())


def load_rule(path: Path, where: str, accepted: tuple[str, ...] = ()) -> Check:
    """One rule file; `where` (Style/Rule.yml) names it in errors and gives the rule id."""
    style, file = where.split("/")
    name = Path(file).stem
    if "." in name:
        raise RuleLoadError(f"{where}: a rule name can't contain '.' (rule ids are Style.Rule)")
    keys = read_yaml(path, where)
    extends = keys.text("extends", required=True)
    if extends in UNSUPPORTED_TYPES:
        raise keys.error("extends", f"'{extends}' rules are not supported (supported: {', '.join(CHECK_TYPES)})")
    check_type = CHECK_TYPES.get(extends)
    if check_type is None:
        raise keys.error("extends", f"unknown rule type '{extends}' (known: {', '.join(CHECK_TYPES)})")
    keys.refuse_unknown((COMMON_KEYS if check_type.scoped else COMMON_KEYS - {"scope"}) | check_type.keys, extends)
    definition = Definition(
        id=f"{style}.{name}",
        extends=extends,
        message=keys.text("message", required=True),
        level=_level(keys),
        scope=Scope.parse(keys),
        link=keys.text("link"),
        description=keys.text("description"),
        action=_action(keys),
        limit=keys.count("limit"),
        file=where,
    )
    return check_type.build(RuleSource(keys, definition, accepted))


def _level(keys: Keys) -> Level:
    level = keys.text("level", default=Level.warning.value)
    if level not in Level.__members__:
        raise keys.error("level", f"expected suggestion, warning or error, found '{level}'")
    return Level(level)


def _action(keys: Keys) -> Action | None:
    action = keys.mapping("action")
    if action is None:
        return None
    action.refuse_unknown({"name", "params"}, "an action")
    name = action.text("name", required=True)
    if name not in ACTIONS:
        raise action.error("name", f"expected one of {', '.join(ACTIONS)}, found '{name}'")
    return Action(name, action.texts("params"))
