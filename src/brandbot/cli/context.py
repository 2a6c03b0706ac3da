"""Builds the settings and services for one command, turning bad settings into one clear line.

Everything heavy (pydantic-settings, SQLAlchemy, the workflow) is imported when a command asks
for it, so that `brandbot --help` and `brandbot rules check --rules-dir` start fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from brandbot.cli.output import fail

if TYPE_CHECKING:
    from brandbot.config import Settings
    from brandbot.services import Services
    from brandbot.store.db import Database


def load_settings() -> Settings:
    from pydantic import ValidationError

    from brandbot.config import Settings

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
    from brandbot.services import Services
    from brandbot.store.db import UnversionedDatabase

    try:
        built = Services(load_settings())
    except UnversionedDatabase as error:
        fail(str(error))
    try:
        yield built
    finally:
        built.close()


@contextmanager
def database() -> Iterator[tuple[Settings, Database]]:
    """The settings and the app database alone, as `Services` opens them: enough for the
    installed rules, without importing the guidelines index and the workflow."""
    from brandbot.schema import migrate
    from brandbot.store.db import Database, UnversionedDatabase

    settings = load_settings()
    settings.ensure_dirs()
    db = Database(settings.resolved_database_url, migration_url=settings.migration_database_url)
    try:
        migrate(db)
    except UnversionedDatabase as error:
        db.dispose()
        fail(str(error))
    try:
        yield settings, db
    finally:
        db.dispose()
