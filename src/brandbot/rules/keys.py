"""Reads one YAML mapping with types checked and unknown keys refused, so a typo in a rule file
fails at load time with the file, the key and the reason, instead of silently doing nothing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from brandbot.rules.errors import RuleLoadError


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (PyYAML keeps the last one without a word)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key '{key}' is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def read_yaml(path: Path, where: str) -> Keys:
    """The file's top-level mapping; `where` is how errors name the file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    except (OSError, UnicodeDecodeError) as error:
        raise RuleLoadError(f"{where}: cannot read the file: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise RuleLoadError(f"{where}: not valid YAML: {line}{problem}") from None
    if not isinstance(raw, dict):
        raise RuleLoadError(f"{where}: expected a mapping of keys, found {_kind(raw)}")
    return Keys(raw, where)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (quote it if you mean the word)"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


class Keys:
    """Typed access to a mapping; every accessor names the key in its error."""

    def __init__(self, raw: Mapping[Any, Any], where: str, prefix: str = "") -> None:
        self.raw = raw
        self.where = where
        self._prefix = prefix

    def path(self, key: str) -> str:
        """The key as errors name it, with the keys it is nested in: `contexts[0].rules`."""
        return self._prefix + key

    def error(self, key: str, reason: str) -> RuleLoadError:
        return RuleLoadError.at(self.where, self.path(key), reason)

    def refuse_unknown(self, allowed: Collection[str], what: str) -> None:
        for key in self.raw:
            if key not in allowed:
                raise self.error(str(key), f"unknown key for {what}")

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self._get(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(key, f"expected text, found {_kind(value)}")
        return str(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, found {_kind(value)}")
        return value

    def count(self, key: str, default: int = 0) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, f"expected a whole number of 0 or more, found {_kind(value)}")
        return value

    def number(self, key: str, *, required: bool = False, default: float = 0.0) -> float:
        value = self._get(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"expected a number, found {_kind(value)}")
        return float(value)

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of strings; a single string counts as a list of one, as in Vale."""
        value = self._get(key, required)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(_is_scalar_text(item) for item in items):
            raise self.error(key, f"expected a list of text, found {_kind(value)}")
        return tuple(str(item) for item in items)

    def text_map(self, key: str, *, required: bool = False) -> dict[str, str]:
        value = self._get(key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping of text to text, found {_kind(value)}")
        for item_key, item in value.items():
            if not _is_scalar_text(item_key) or not _is_scalar_text(item):
                raise self.error(f"{key}.{item_key}", f"expected text, found {_kind(item)}")
        return {str(item_key): str(item) for item_key, item in value.items()}

    def mapping(self, key: str) -> Keys | None:
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping, found {_kind(value)}")
        return Keys(value, self.where, f"{self._prefix}{key}.")

    def _get(self, key: str, required: bool) -> Any:
        value = self.raw.get(key)
        if value is None and required:
            raise self.error(key, "required but missing")
        return value


def _is_scalar_text(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)
