"""Alembic environment: runs on the connection brandbot hands over (see store/db.py)."""

from __future__ import annotations

from alembic import context

from brandbot.store import answers, rechecks, rule_versions  # noqa: F401  (their tables are part of the schema)
from brandbot.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
