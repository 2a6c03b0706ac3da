"""Least privilege on PostgreSQL: a migration role owns the tables, the app's role only uses them.

Only a table's owner can alter it, drop its triggers or grant on it, so an app role that owns
nothing cannot undo the audit log's triggers. It gets INSERT and SELECT on the audit log, SELECT
and UPDATE on its chain head, and what the app does elsewhere. LangGraph's
`PostgresSaver.setup()` runs `CREATE TABLE IF NOT EXISTS` on every start, which PostgreSQL checks
against the schema's CREATE privilege even when the table exists: hence CREATE on the schema,
which lets the role make tables of its own but change none of the owner's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, make_url, text

from brandbot.store import locks
from brandbot.store.db import Database

APPEND_ONLY = ("audit_log",)
CHAIN_HEAD = ("audit_chain_head",)
"""The audit chain's one row: appends lock and move it, nothing adds or removes rows."""
READ_ONLY = ("alembic_version", "checkpoint_migrations")
"""The app reads the schema versions (Alembic's and LangGraph's) and never moves them."""
MIGRATION_LOCK_TIMEOUT_S = 600.0


def migrate_as_owner(migration_url: str, app_role: str, revision: str = "head") -> None:
    """Alembic's migrations and LangGraph's tables as the owner, then the app role's grants;
    replicas starting together take turns."""
    owner = Database(migration_url)
    try:
        with locks.exclusive(owner, "migrations", MIGRATION_LOCK_TIMEOUT_S):
            owner.create_schema(revision)
            _checkpoint_tables(migration_url)
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

    for statement in (
        f"REVOKE ALL ON {tables(owned)} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables(owned - {*APPEND_ONLY, *CHAIN_HEAD, *READ_ONLY})} TO {app}",
        f"GRANT SELECT, INSERT ON {tables(APPEND_ONLY)} TO {app}",
        f"GRANT SELECT, UPDATE ON {tables(CHAIN_HEAD)} TO {app}",
        f"GRANT SELECT ON {tables(READ_ONLY)} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {app}",
    ):
        connection.execute(text(statement))


def _checkpoint_tables(migration_url: str) -> None:
    """LangGraph's tables, made by the owner, so the app role finds them made and owns none."""
    from langgraph.checkpoint.postgres import PostgresSaver

    conninfo = make_url(migration_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with PostgresSaver.from_conn_string(conninfo) as saver:
        saver.setup()
