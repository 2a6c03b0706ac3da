"""`config.yml` in a styles directory: which styles and vocabularies are on, and which rules apply
at which level to which drafts, in the spirit of .vale.ini's sections.

    styles: [Tidewell]                  # default: every style folder present
    vocab: [Tidewell]                   # default: every vocabulary present
    rules: {Tidewell.Exclamation: suggestion, Tidewell.TrialDisclaimer: "off"}
    contexts:                           # applied in order after `rules`; later ones win
      - when: {format: x_post}          # format, channel (one or a list), promotional
        rules: {Tidewell.ReadingLevel: error}

A setting is a level, "off", or "on" (back on at the rule's own level). YAML reads a bare
off/on as false/true, which mean the same.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from brandbot.rules.alert import Level
from brandbot.rules.context import KNOWN_CHANNELS, KNOWN_FORMATS, DraftContext
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.keys import Keys, read_yaml

CONFIG_FILE = "config.yml"
OFF, ON = "off", "on"
_SETTINGS = (*(level.value for level in Level), OFF, ON)


@dataclass(frozen=True, slots=True)
class When:
    """All given conditions must hold; a list of formats or channels means any of them."""

    formats: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    promotional: bool | None = None

    def matches(self, context: DraftContext) -> bool:
        return (
            (self.formats is None or context.format in self.formats)
            and (self.channels is None or context.resolved_channel in self.channels)
            and (self.promotional is None or context.promotional == self.promotional)
        )


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Rule id -> level, "off" or "on", and the config key they came from, for error messages."""

    values: tuple[tuple[str, str], ...] = ()
    key: str = "rules"


@dataclass(frozen=True, slots=True)
class Ignores:
    """Vale's TokenIgnores (text no rule reads, kept in its sentence like inline code) and
    BlockIgnores (whole passages no rule reads, like a code block): regexes, as a .vale.ini
    section gives them."""

    tokens: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StylesConfig:
    styles: tuple[str, ...] | None = None
    vocab: tuple[str, ...] | None = None
    rules: RuleSettings = RuleSettings()
    contexts: tuple[tuple[When, RuleSettings], ...] = ()
    min_level: Level = Level.suggestion
    """Vale's MinAlertLevel: rules below it are not run."""
    ignores: Ignores = Ignores()

    def check_rule_ids(self, known: Collection[str]) -> None:
        for settings in (self.rules, *(settings for _, settings in self.contexts)):
            for rule_id, _ in settings.values:
                if rule_id not in known:
                    raise RuleLoadError.at(CONFIG_FILE, f"{settings.key}.{rule_id}", "no such rule")

    def levels(self, defaults: Mapping[str, Level], context: DraftContext | None) -> dict[str, Level]:
        """The rules that apply to this draft, at their level; without a context, the top-level
        settings only (what `rules list` shows)."""
        levels: dict[str, Level | None] = dict(defaults)
        applying = [self.rules]
        if context is not None:
            applying.extend(settings for when, settings in self.contexts if when.matches(context))
        for settings in applying:
            for rule_id, setting in settings.values:
                if setting == OFF:
                    levels[rule_id] = None
                elif setting == ON:
                    levels[rule_id] = defaults[rule_id]
                else:
                    levels[rule_id] = Level(setting)
        order = list(Level)
        floor = order.index(self.min_level)
        return {
            rule_id: level for rule_id, level in levels.items() if level is not None and order.index(level) >= floor
        }


def read_config(styles_dir: Path) -> StylesConfig:
    path = styles_dir / CONFIG_FILE
    if not path.is_file():
        return StylesConfig()
    keys = read_yaml(path, CONFIG_FILE)
    keys.refuse_unknown({"styles", "vocab", "rules", "contexts"}, CONFIG_FILE)
    return StylesConfig(
        styles=keys.texts("styles") if keys.has("styles") else None,
        vocab=keys.texts("vocab") if keys.has("vocab") else None,
        rules=_settings(keys, "rules"),
        contexts=tuple(_contexts(keys)),
    )


def _settings(keys: Keys, key: str) -> RuleSettings:
    mapping = keys.mapping(key)
    if mapping is None:
        return RuleSettings(key=keys.path(key))
    values = []
    for rule_id, value in mapping.raw.items():
        setting = (ON if value else OFF) if isinstance(value, bool) else value
        if setting not in _SETTINGS:
            raise mapping.error(str(rule_id), f"expected one of {', '.join(_SETTINGS)}, found {value!r}")
        values.append((str(rule_id), str(setting)))
    return RuleSettings(tuple(values), keys.path(key))


def _contexts(keys: Keys) -> list[tuple[When, RuleSettings]]:
    raw = keys.raw.get("contexts")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise keys.error("contexts", "expected a list of {when: ..., rules: ...}")
    contexts = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise keys.error(f"contexts[{index}]", "expected a mapping with 'when' and 'rules'")
        entry = Keys(item, CONFIG_FILE, f"contexts[{index}].")
        entry.refuse_unknown({"when", "rules"}, "a context")
        contexts.append((_when(entry), _settings(entry, "rules")))
    return contexts


def _when(entry: Keys) -> When:
    when = entry.mapping("when")
    if when is None or not when.raw:
        raise entry.error("when", "needs format, channel or promotional (the top-level 'rules' apply to every draft)")
    when.refuse_unknown({"format", "channel", "promotional"}, "'when'")
    return When(
        formats=_known(when, "format", KNOWN_FORMATS),
        channels=_known(when, "channel", KNOWN_CHANNELS),
        promotional=when.flag("promotional") if when.has("promotional") else None,
    )


def _known(when: Keys, key: str, known: frozenset[str]) -> frozenset[str] | None:
    if not when.has(key):
        return None
    values = when.texts(key)
    for value in values:
        if value not in known:
            raise when.error(key, f"unknown {key} '{value}' (known: {', '.join(sorted(known))})")
    return frozenset(values)
