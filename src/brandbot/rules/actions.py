"""Vale's `action` key: what a rule offers as the fix for its match, computed as Vale's fixers
compute it (internal/lint/action.go), so the draft workflow can apply it.

    replace  params: the replacements (a substitution fills them from its swap value)
    remove   the match is deleted
    edit     regex PATTERN REPL | trim CHARS | trim_left CHARS | trim_right CHARS | truncate SEP | split SEP INDEX
    convert  simple: "auto-scale" -> "auto scale"
    suggest  spellings or a script: suggestions a person picks, never applied here
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from brandbot.rules.alert import Action

ACTIONS = ("suggest", "replace", "remove", "edit", "convert")
_SPACES = re.compile(" +")


def fixes(action: Action | None, match: str) -> tuple[str, ...]:
    """The text(s) the action puts in place of `match`, best first; () when it offers none."""
    if action is None:
        return ()
    if action.name == "replace":
        return action.params
    if action.name == "remove":
        return ("",)
    if action.name == "convert":
        converted = _simple(match) if action.params[:1] == ("simple",) else match
        return (converted,) if converted != match else ()
    if action.name == "edit" and action.params:
        edited = _edit(action.params, match)
        return (edited,) if edited is not None and edited != match else ()
    return ()


def _edit(params: tuple[str, ...], match: str) -> str | None:
    """None where Vale's fixer gives an error (wrong number of params, a bad index)."""
    operation, arguments = params[0], params[1:]
    edits: dict[str, tuple[int, Callable[[], str]]] = {
        "regex": (2, lambda: _regex_replace(arguments[0], arguments[1], match)),
        "trim": (1, lambda: match.strip(arguments[0])),
        "trim_left": (1, lambda: match.lstrip(arguments[0])),
        "trim_right": (1, lambda: match.rstrip(arguments[0])),
        "truncate": (1, lambda: match.split(arguments[0])[0]),
        "split": (2, lambda: _split(match, arguments[0], arguments[1])),
    }
    if operation not in edits:
        return match.strip()
    count, edit = edits[operation]
    if len(arguments) != count:
        return None
    try:
        return edit().strip()
    except (re.error, ValueError, IndexError):
        return None


def _regex_replace(pattern: str, replacement: str, match: str) -> str:
    """Go's ReplaceAllString spells group references `$1` or `${1}`."""
    python = re.sub(r"\$\{?(\w+)\}?", lambda found: f"\\g<{found[1]}>", replacement.replace("\\", "\\\\"))
    return re.sub(pattern, python, match)


def _split(match: str, separator: str, index: str) -> str:
    return match.split(separator)[int(index)]


def _simple(text: str) -> str:
    """twine's strcase.Simple: words split at case changes and at anything but letters and
    digits, joined by single spaces, lower-cased."""
    out = []
    previous = " "
    for position, char in enumerate(text):
        alpha = char.isalpha() or unicodedata.category(char).startswith("N")
        case_change = position > 1 and previous.islower() and char.isupper()
        if case_change or not alpha or (char.isspace() and char != " "):
            out.append(" ")
        if alpha or char == " ":
            out.append(char.lower())
        previous = char
    return _SPACES.sub(" ", "".join(out).strip())
