"""Audit appends the app cannot forge, receipts required from a recorded entry on, and anchors.

PostgreSQL: `audit_append`, owned by the owner and run with its rights (SECURITY DEFINER, its
search path pinned), is the one way in for the app role: it takes the entry's fields, stamps
the database's time, takes the next id and the previous hash from the chain head it locks, and
hashes the entry itself, in the canonical form of `store/canonical.py` (the detail arrives
already canonical). The app role then keeps only SELECT on the log and its head (store/roles.py).
SQLite, one local file whose owner is whoever runs brandbot, keeps appending from Python.

`audit_chain_head.receipts_from` records the first audit entry from which every approval carries
a sealed receipt: the first sealed approval already written, else the next entry. An unsealed
approval before it predates receipts; any other approval without a seal is reported.

`audit_anchors` keeps each chain head hash posted outside the database (`brandbot audit anchor`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.audit_chain import APPEND_SIGNATURE, HEAD_ID
from brandbot.store.models import UTCDateTime
from brandbot.store.receipts import APPROVAL

revision = "0016"
down_revision = "0015"

APPEND_FUNCTION = """
CREATE FUNCTION audit_append(
    p_actor text, p_action text, p_request_id text, p_draft_id text, p_revision integer, p_detail text
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    v_head audit_chain_head%ROWTYPE;
    v_at timestamptz := clock_timestamp();
    v_id integer;
    v_canonical text;
    v_hash text;
BEGIN
    IF json_typeof(p_detail::json) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'audit entry detail must be a JSON object';
    END IF;
    SELECT * INTO STRICT v_head FROM audit_chain_head WHERE id = {head_id} FOR UPDATE;
    v_id := v_head.last_id + 1;
    v_canonical := '{{"action":' || to_json(p_action)::text
        || ',"actor":' || to_json(p_actor)::text
        || ',"at":' || to_json(to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00')::text
        || ',"detail":' || p_detail
        || ',"draft_id":' || coalesce(to_json(p_draft_id)::text, 'null')
        || ',"id":' || v_id::text
        || ',"prev_hash":' || to_json(v_head.last_hash)::text
        || ',"request_id":' || coalesce(to_json(p_request_id)::text, 'null')
        || ',"revision":' || coalesce(p_revision::text, 'null')
        || '}}';
    v_hash := encode(sha256(convert_to(v_canonical, 'UTF8')), 'hex');
    INSERT INTO audit_log (id, at, actor, action, request_id, draft_id, revision, detail, prev_hash, hash)
    VALUES (v_id, v_at, p_actor, p_action, p_request_id, p_draft_id, p_revision, p_detail::json,
            v_head.last_hash, v_hash);
    UPDATE audit_chain_head SET last_id = v_id, last_hash = v_hash WHERE id = {head_id};
    RETURN v_id;
END $$"""
AUDIT_LOG = sa.table(
    "audit_log", sa.column("id", sa.Integer), sa.column("action", sa.String), sa.column("detail", sa.JSON)
)
HEAD = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer),
    sa.column("last_id", sa.Integer),
    sa.column("receipts_from", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_chain_head") as table:
        table.add_column(sa.Column("receipts_from", sa.Integer, nullable=False, server_default="1"))
    op.get_bind().execute(sa.update(HEAD).where(HEAD.c.id == HEAD_ID).values(receipts_from=_first_sealed_approval()))
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("anchored_at", UTCDateTime(), nullable=False, index=True),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.dialect.identifier_preparer.quote(str(bind.scalar(sa.text("SELECT current_schema()"))))
        op.execute(APPEND_FUNCTION.format(schema=schema, head_id=HEAD_ID))
        op.execute(f"REVOKE ALL ON FUNCTION {APPEND_SIGNATURE} FROM PUBLIC")


def _first_sealed_approval() -> int:
    """The id of the first approval entry holding a receipt; without one, the next entry's."""
    bind = op.get_bind()
    approvals = bind.execute(
        sa.select(AUDIT_LOG.c.id, AUDIT_LOG.c.detail).where(AUDIT_LOG.c.action == APPROVAL).order_by(AUDIT_LOG.c.id)
    )
    for entry_id, detail in approvals:
        if isinstance((detail or {}).get("receipt"), dict):
            return int(entry_id)
    return int(bind.scalar(sa.select(HEAD.c.last_id).where(HEAD.c.id == HEAD_ID)) or 0) + 1


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION {APPEND_SIGNATURE}")
    op.drop_table("audit_anchors")
    with op.batch_alter_table("audit_chain_head") as table:
        table.drop_column("receipts_from")
