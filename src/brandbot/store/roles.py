"""Least privilege on PostgreSQL: a migration role owns the tables, the app's role only uses them.

Only a table's owner can alter it, drop its triggers or grant on it, so an app role that owns
nothing cannot undo the audit log's triggers. It reads the audit log and its chain head and
appends only through `audit_append` (migration 0016), which links and hashes each entry itself:
the role can neither move the head nor write an entry of its own making. It adds anchors but
never changes or removes one. It has no CREATE on the schema: the owner makes LangGraph's
checkpoint tables at migration time (`workflow/checkpointer.py` makes them, handed to
`migrate_as_owner` by `brandbot.schema`), and the app only checks that they are there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, text

from brandbot.store import locks
from brandbot.store.audit_chain import APPEND_SIGNATURE
from brandbot.store.db import Database

APPEND_ONLY = ("audit_anchors",)
READ_ONLY = ("alembic_version", "checkpoint_migrations", "audit_log", "audit_chain_head")
"""The app reads the schema versions (Alembic's and LangGraph's) and never moves them; it reads
the audit log and its head, which only `audit_append` writes."""
MIGRATION_LOCK_TIMEOUT_S = 600.0


def migrate_as_owner(migration_url: str, app_role: str, revision: str, other_tables: Callable[[str], None]) -> None:
    """Alembic's migrations and `other_tables` (those a library makes for itself, given the owner's
    URL) as the owner, then the app role's grants; replicas starting together take turns."""
    owner = Database(migration_url)
    try:
        with locks.exclusive(owner, "migrations", MIGRATION_LOCK_TIMEOUT_S):
            owner.create_schema(revision)
            other_tables(migration_url)
            with owner.engine.begin() as connection:
                grant_app_role(connection, app_role)
    finally:
        owner.dispose()


def grant_app_role(connection: Connection, role: str) -> None:
    """What `role` may do, and nothing more, on every table the owner has in the schema (so a
    table a later migration adds is covered): earlier grants are revoked first, so running it
    again converges. The owner itself is left as it is."""
    if not role:
        raise ValueError("BRANDBOT_DATABASE_URL names no role to grant to (postgresql+psycopg://ROLE:...@host/db)")
    if role == connection.scalar(text("SELECT current_user")):
        return
    quote = connection.dialect.identifier_preparer.quote
    schema, app = quote(str(connection.scalar(text("SELECT current_schema()")))), quote(role)
    owned = set(
        connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user")
        )
    )

    def tables(names: Iterable[str]) -> str:
        return ", ".join(quote(name) for name in sorted(owned.intersection(names)))

    statements = [
        f"REVOKE ALL ON {tables(owned)} FROM {app}",
        *(
            f"GRANT {privileges} ON {tables(names)} TO {app}"
            for privileges, names in (
                ("SELECT, INSERT, UPDATE, DELETE", owned - {*APPEND_ONLY, *READ_ONLY}),
                ("SELECT, INSERT", APPEND_ONLY),
                ("SELECT", READ_ONLY),
            )
            if owned.intersection(names)
        ),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
    ]
    if connection.scalar(text("SELECT to_regprocedure(:signature)"), {"signature": APPEND_SIGNATURE}) is not None:
        statements.append(f"GRANT EXECUTE ON FUNCTION {APPEND_SIGNATURE} TO {app}")
    for statement in statements:
        connection.execute(text(statement))
