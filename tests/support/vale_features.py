"""The scenarios of a Vale style's own test suite (`features/rules.feature`), run by brandbot.

Each scenario names a fixture folder (`fixtures/NAME/` with a `.vale.ini` and test files) and
the exact alerts Vale prints for it in its line format, `file:line:column:Check:message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from brandbot.filetypes import markup_for
from brandbot.rules import Alert
from brandbot.rules.valeini import load_vale_ini

_WHEN = re.compile(r'^\s*When I test "([^"]+)"')
_DOC = '"""'


@dataclass(frozen=True)
class Scenario:
    style: str
    name: str
    fixture: str
    expected: tuple[str, ...]


def scenarios(style_root: Path) -> list[Scenario]:
    """Commented-out scenarios (`#`) are left out, as Vale's runner leaves them."""
    found: list[Scenario] = []
    name, fixture, expected, inside = "", "", [], False
    for line in (style_root / "features" / "rules.feature").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if stripped.startswith("Scenario:"):
            name = stripped.removeprefix("Scenario:").strip()
        elif (when := _WHEN.match(line)) is not None:
            fixture = when[1]
        elif stripped == _DOC:
            if inside:
                found.append(Scenario(style_root.name, name, fixture, tuple(expected)))
                expected = []
            inside = not inside
        elif inside and stripped:
            expected.append(stripped)
    return found


def lint_fixture(folder: Path) -> list[str]:
    """What `vale --output=line --sort` prints in the fixture folder."""
    project = load_vale_ini(folder / ".vale.ini")
    lines: list[tuple[str, int, int, str]] = []
    for file in sorted(path for path in folder.iterdir() if path.is_file() and not path.name.startswith(".")):
        rules = project.rules_for(file.name)
        if not rules.checks:
            continue
        for alert in rules.run(file.read_text(encoding="utf-8"), markup=markup_for(file.name)).alerts:
            lines.append((file.name, alert.line, alert.span[0], _line(file.name, alert)))
    return [line for *_, line in sorted(lines)]


def _line(name: str, alert: Alert) -> str:
    return f"{name}:{alert.line}:{alert.span[0]}:{alert.check}:{alert.message}"
