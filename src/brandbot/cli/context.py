"""Builds the settings and services for one command, turning bad settings into one clear line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from brandbot.cli.output import fail
from brandbot.config import Settings
from brandbot.services import Services
from brandbot.store.db import UnversionedDatabase


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"BRANDBOT_{'_'.join(str(part) for part in issue['loc']).upper()}: {issue['msg']}"
            for issue in error.errors()
        )
        fail(f"invalid settings: {problems}")


@contextmanager
def services() -> Iterator[Services]:
    try:
        built = Services(load_settings())
    except UnversionedDatabase as error:
        fail(str(error))
    try:
        yield built
    finally:
        built.close()
