"""Receipts: what a draft was made with (rules version, sampling, prompt hash, examples), and the
audit log as a hash chain. Entries already in the log are chained here, in id order.

The append-only triggers refuse the UPDATE that fills in the hashes, so they are set aside for it:
disabled on PostgreSQL (as the owner, in this transaction), dropped and made again on SQLite,
whose table is rebuilt anyway to make the new columns NOT NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.audit_chain import GENESIS, HEAD_ID, entry_hash
from brandbot.store.models import AuditEntry, UTCDateTime

revision = "0009"
down_revision = "0008"

SQLITE_TRIGGERS = {
    "audit_log_no_update": """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    "audit_log_no_delete": """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
}
BATCH = 1000
AUDIT_LOG = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", UTCDateTime()),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("request_id", sa.String),
    sa.column("draft_id", sa.String),
    sa.column("revision", sa.Integer),
    sa.column("detail", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("drafts") as table:
        table.add_column(sa.Column("rules_version", sa.Integer))
        table.add_column(sa.Column("sampling", sa.JSON, nullable=False, server_default="{}"))
        table.add_column(sa.Column("prompt_sha256", sa.String(64)))
        table.add_column(sa.Column("examples", sa.JSON, nullable=False, server_default="[]"))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("audit_log") as table:
        table.add_column(sa.Column("prev_hash", sa.String(64)))
        table.add_column(sa.Column("hash", sa.String(64)))
    last_id, last_hash = _chain_existing_entries()
    with op.batch_alter_table("audit_log") as table:
        table.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        table.alter_column("hash", existing_type=sa.String(64), nullable=False)
    if postgres:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": HEAD_ID, "last_id": last_id, "last_hash": last_hash}])


def _chain_existing_entries() -> tuple[int, str]:
    """Hashes every entry in id order, as `audit_chain.append` would have, a batch at a time:
    the last id and hash, for the chain head."""
    connection = op.get_bind()
    last_id, last_hash = 0, GENESIS
    while True:
        batch = connection.execute(
            sa.select(AUDIT_LOG).where(AUDIT_LOG.c.id > last_id).order_by(AUDIT_LOG.c.id).limit(BATCH)
        ).mappings()
        rows = [dict(row) for row in batch]
        if not rows:
            return last_id, last_hash
        for row in rows:
            entry = AuditEntry(**{key: value for key, value in row.items() if key not in ("prev_hash", "hash")})
            entry.prev_hash = last_hash
            last_id, last_hash = entry.id, entry_hash(entry)
            connection.execute(
                sa.update(AUDIT_LOG).where(AUDIT_LOG.c.id == entry.id).values(prev_hash=entry.prev_hash, hash=last_hash)
            )


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("audit_log") as table:
        table.drop_column("hash")
        table.drop_column("prev_hash")
    if not postgres:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    with op.batch_alter_table("drafts") as table:
        for column in ("examples", "prompt_sha256", "sampling", "rules_version"):
            table.drop_column(column)
