"""What `brandbot rules check` prints for machines: Vale's `line` and JSON formats, so editor
plugins and CI annotations written for Vale read it unchanged, and brandbot's own JSON.

Vale's shapes (errata-ai/vale, internal/core/alert.go, internal/cli/json.go and line.go): JSON is
an object keyed by file path, only files with alerts, each a list of alerts in line and column
order with the fields of Go's `core.Alert` in declaration order; `line` is
`path:line:column:check:message`, one alert a line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brandbot.rules import Alert, RuleFailure

STDIN_NAME = "stdin.txt"
"""Vale's name for standard input: "stdin" + the --ext it assumes (.txt)."""

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
"""Characters Go's encoding/json escapes inside strings (they can only occur inside strings)."""


@dataclass(frozen=True, slots=True)
class Checked:
    """One checked file: its path as given (a folder's files below the folder as given), its
    alerts in position order, and the rules that could not give a verdict on it."""

    path: str
    alerts: list[Alert]
    failures: tuple[RuleFailure, ...] = ()


def has_errors(results: Iterable[Checked]) -> bool:
    """Vale's exit status 1: any error-level alert."""
    return any(alert.level.value == "error" for result in results for alert in result.alerts)


def line_output(results: Iterable[Checked]) -> str:
    """Sorted by path, then line, then column."""
    rows = sorted(
        ((result.path, alert.line, alert.span[0], alert.check, _one_line(alert.message)))
        for result in results
        for alert in result.alerts
    )
    return "".join(f"{path}:{line}:{column}:{check}:{message}\n" for path, line, column, check, message in rows)


def vale_json(results: Iterable[Checked]) -> str:
    """Byte for byte what `vale --output=JSON` prints for the same alerts: files in path order,
    no entry for a file without alerts (`{}` when none has any), Go's indentation and escapes."""
    files: dict[str, list[dict[str, Any]]] = {}
    for result in sorted(results, key=lambda result: result.path):
        if result.alerts:
            ordered = sorted(result.alerts, key=lambda alert: (alert.line, alert.span[0]))
            files.setdefault(result.path, []).extend(vale_alert(alert) for alert in ordered)
    text = json.dumps(files, indent=2, ensure_ascii=False)
    return "".join(_GO_ESCAPES.get(char, char) for char in text) + "\n"


def vale_alert(alert: Alert) -> dict[str, Any]:
    """Go's `core.Alert` as encoding/json writes it: every field, in declaration order; a rule
    without an action has the zero `Action` (empty name, `null` params), as in Vale."""
    action = alert.action
    return {
        "Action": {
            "Name": action.name if action else "",
            "Params": list(action.params) if action and action.params else None,
        },
        "Span": list(alert.span),
        "Check": alert.check,
        "Description": alert.description,
        "Link": alert.link,
        "Message": _one_line(alert.message),
        "Severity": alert.level.value,
        "Match": alert.match,
        "Line": alert.line,
    }


def json_report(results: Iterable[Checked]) -> dict[str, list[dict[str, object]]]:
    """brandbot's own shape: every alert and every failed rule, each with its file's path."""
    results = list(results)
    return {
        "alerts": [{"path": result.path, **alert.to_dict()} for result in results for alert in result.alerts],
        "failures": [{"path": result.path, **failure.to_dict()} for result in results for failure in result.failures],
    }


def _one_line(message: str) -> str:
    """Vale's `WhitespaceToSpace`: a message never spans lines (the line format depends on it)."""
    return re.sub(" +", " ", message.replace("\n", " "))
