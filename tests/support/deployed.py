"""The deployed configuration's storage, shared by a whole test run: one PostgreSQL cluster and
one Chroma server, started once. Each test gets a database of its own, copied from a migrated
template (a copy takes milliseconds, migrating takes seconds), and a Chroma collection of its own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from sqlalchemy import create_engine, make_url, text

from brandbot.store.db import Database
from brandbot.workflow.checkpointer import postgres_checkpointer
from tests.support.servers import chroma_server, postgres

TEMPLATE = "brandbot_template"


@dataclass
class SharedStorage:
    """PostgreSQL (`admin_url` names its first database) and a Chroma server."""

    admin_url: str
    chroma_url: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def prepare(self) -> None:
        """The template: every migration and LangGraph's checkpoint tables, as a fresh
        deployment has them after its first start."""
        self._execute(f"CREATE DATABASE {TEMPLATE}")
        url = self._url(TEMPLATE)
        database = Database(url)
        database.create_schema()
        database.dispose()
        checkpointer = postgres_checkpointer(url)
        checkpointer.conn.close()  # type: ignore[union-attr]

    @contextmanager
    def fresh(self) -> Iterator[dict[str, str]]:
        """Settings for one test: its own database and collection, dropped afterwards."""
        number = next(self._names)
        name = f"test_{number}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        try:
            yield {"database_url": self._url(name), "chroma_url": self.chroma_url, "chroma_collection": name}
        finally:
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _url(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


@contextmanager
def shared_storage() -> Iterator[SharedStorage]:
    with ExitStack() as stack:
        storage = SharedStorage(stack.enter_context(postgres()), stack.enter_context(chroma_server()))
        storage.prepare()
        yield storage
