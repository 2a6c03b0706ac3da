"""`brandbot db ...`: the app database's schema, for deployments that migrate as a step of their
own, so that the replicas never hold the credentials of the role that owns the tables."""

from __future__ import annotations

import typer

from brandbot.cli.context import database
from brandbot.cli.output import PLAIN_HELP, console

app = typer.Typer(help="The app database's schema.", no_args_is_help=True, rich_markup_mode=PLAIN_HELP)


@app.command()
def migrate() -> None:
    """Migrate to this version's schema. With BRANDBOT_MIGRATION_DATABASE_URL (PostgreSQL), as that
    role, which also makes the workflow checkpoint tables and then grants the role of
    BRANDBOT_DATABASE_URL only what the app needs (it may create nothing)."""
    with database() as (_, db):
        revision = db.revision()
    console().print(f"Schema at revision {revision}.")
