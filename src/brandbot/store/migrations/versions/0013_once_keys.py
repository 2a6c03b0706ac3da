"""Once-only keys in their own table, never pruned; every claimed key stored at a fixed length;
rule proposal ids never reused on SQLite.

The business keys already claimed ("Draft it instead", "Rewrite on-brand", a routed message's
draft) move from `processed_events` to `once_keys`; the delivery keys stay, rewritten to their
stored form, so a retry Slack sends across the upgrade is still recognised. On SQLite,
`rule_proposals` is recreated with AUTOINCREMENT, keeping its rows and ids.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from brandbot.store.events import stored_key
from brandbot.store.models import UTCDateTime

revision = "0013"
down_revision = "0012"

ONCE_KINDS = ("instead", "text_rewrite", "routed")
"""The kinds of the business keys claimed in `processed_events` before this revision."""


def upgrade() -> None:
    once_keys = op.create_table(
        "once_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
    )
    events = sa.table("processed_events", sa.column("key", sa.String), sa.column("received_at", UTCDateTime()))
    bind = op.get_bind()
    moved, rekeyed = [], []
    for key, received_at in bind.execute(sa.select(events.c.key, events.c.received_at)).all():
        if key.split(":", 1)[0] in ONCE_KINDS:
            moved.append({"key": stored_key(key), "claimed_at": received_at})
        rekeyed.append({"old": key, "new": stored_key(key)})
    if moved:
        bind.execute(once_keys.insert(), moved)
    if rekeyed:
        bind.execute(
            events.update().where(events.c.key == sa.bindparam("old")).values(key=sa.bindparam("new")), rekeyed
        )
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("rule_proposals", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    """The once-only keys go back among the delivery keys, hashed as they are; `rule_proposals`
    keeps AUTOINCREMENT, which earlier code does not mind."""
    op.execute(
        "INSERT INTO processed_events (key, received_at) SELECT key, claimed_at FROM once_keys "
        "WHERE key NOT IN (SELECT key FROM processed_events)"
    )
    op.drop_table("once_keys")
