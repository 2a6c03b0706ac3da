"""requirements.lock, which the image and CI install as constraints, pins every dependency that
pyproject.toml declares, inside its range: a dependency added without re-locking fails here."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO


def test_the_lock_pins_every_declared_dependency_inside_its_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = (REPO / "requirements.lock").read_text().splitlines()
    locked = {
        canonicalize_name(name): Version(version)
        for name, version in (line.split("==") for line in lines if line and not line.startswith("#"))
    }
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: run scripts/lock.sh"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock has {requirement.name}=={locked[name]}, outside {requirement.specifier}: "
            "run scripts/lock.sh"
        )
