"""Prints the lock file: every distribution that brandbot needs, with its test extra, at the
version installed in the Python that runs this. Only what pyproject.toml asks for, directly or
through its dependencies, for this platform (Linux x86-64, CPython 3.11, the image's too).

    .venv/bin/python scripts/lock.py > requirements.lock   # lock what .venv holds
    scripts/lock.sh                                        # or resolve afresh, newest allowed

Local version labels are dropped (torch 2.13.0+cpu is locked as 2.13.0): pip then takes the
build its indexes offer, the CPU one from this machine's disk or PyTorch's CPU index.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT, EXTRAS = "brandbot", frozenset({"test"})


def closure(root: str, extras: frozenset[str]) -> dict[str, str]:
    """Canonical name -> installed version of everything `root[extras]` needs."""
    versions: dict[str, str] = {}
    seen: dict[str, frozenset[str]] = {}
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        if key in seen and wanted <= seen[key]:
            continue
        seen[key] = seen.get(key, frozenset()) | wanted
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{name} is needed but not installed here: install brandbot[test] first")
        versions[key] = distribution.version
        for line in distribution.requires or []:
            requirement = Requirement(line)
            contexts = [{"extra": extra} for extra in seen[key]] or [{"extra": ""}]
            if requirement.marker is None or any(requirement.marker.evaluate(context) for context in contexts):
                todo.append((requirement.name, frozenset(requirement.extras)))
    versions.pop(canonicalize_name(root))
    return versions


def main() -> None:
    print("# brandbot's Python dependencies, with the test extra, locked: made by scripts/lock.sh or")
    print("# scripts/lock.py (see there); installed as constraints (pip install -c requirements.lock ...).")
    for name, version in sorted(closure(ROOT, EXTRAS).items()):
        print(f"{name}=={version.split('+', 1)[0]}")


if __name__ == "__main__":
    main()
