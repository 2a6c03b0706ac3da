"""A database brought up to this version's schema, as every entry point opens it: the app's tables
(Alembic) and, on PostgreSQL with an owner role, the workflow's checkpoint tables and the app
role's grants, made by the owner (`store/roles.py`)."""

from __future__ import annotations

from brandbot.store import roles
from brandbot.store.db import Database


def migrate(db: Database, revision: str = "head") -> None:
    if db.migration_url is not None and db.engine.dialect.name == "postgresql":
        # Imported here: LangGraph is heavy, and most commands open a database without an owner role.
        from brandbot.workflow.checkpointer import make_checkpoint_tables

        roles.migrate_as_owner(db.migration_url, db.engine.url.username or "", revision, make_checkpoint_tables)
    db.create_schema(revision)
