"""PostgreSQL: a row queued in `work` or `outbox` sends its kind on the `brandbot_queued` channel
when its transaction commits (`store/wakeups.py`), so the workers for that kind in another
process start on it at once instead of at their next poll (PostgreSQL folds repeats within a
transaction into one). SQLite, on one machine, has no such thing: its workers keep polling."""

from __future__ import annotations

from alembic import op

from brandbot.store.wakeups import CHANNEL

revision = "0017"
down_revision = "0016"
TABLES = ("work", "outbox")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""CREATE FUNCTION notify_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', NEW.kind);
    RETURN NULL;
END $$"""
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_queued AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION notify_queued()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_queued ON {table}")
    op.execute("DROP FUNCTION notify_queued()")
