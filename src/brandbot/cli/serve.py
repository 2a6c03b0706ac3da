"""`brandbot serve`: the Slack app."""

from __future__ import annotations

import logging

import typer

from brandbot.cli.context import load_settings
from brandbot.cli.output import fail


def serve(
    port: int = typer.Option(3000, "--port", "-p", help="HTTP mode: where Slack sends events (/slack/events)."),
    host: str = typer.Option("0.0.0.0", "--host", help="HTTP mode: the address to listen on."),
    internal_port: int | None = typer.Option(
        None, "--internal-port", help="/healthz, /readyz and /metrics (default: BRANDBOT_INTERNAL_PORT, 3001)."
    ),
    internal_host: str | None = typer.Option(
        None, "--internal-host", help="Where the internal port listens (default: BRANDBOT_INTERNAL_HOST, 127.0.0.1)."
    ),
    log_format: str = typer.Option("json", "--log-format", help="json (one object per line) or text."),
    workers: bool = typer.Option(
        True,
        "--workers/--no-workers",
        help="Also draft and deliver here; --no-workers leaves that to `brandbot work` (decided cards close here).",
    ),
) -> None:
    """Run the Slack app: Socket Mode if SLACK_APP_TOKEN is set, otherwise HTTP mode on --port."""
    from brandbot import logs
    from brandbot.services import Services
    from brandbot.slack.app import SlackNotConfigured
    from brandbot.slack.server import serve as run

    logs.configure(level=logging.getLogger().level or logging.INFO, json_lines=log_format == "json")
    settings = load_settings()
    services = Services(settings)
    try:
        run(
            services,
            host=host,
            port=port,
            internal_host=internal_host or settings.internal_host,
            internal_port=internal_port or settings.internal_port,
            workers=workers,
        )
    except SlackNotConfigured as error:
        fail(str(error))
    finally:
        services.close()


def work(
    log_format: str = typer.Option("json", "--log-format", help="json (one object per line) or text."),
) -> None:
    """Draft, resume decided drafts, ingest uploads and deliver messages, beside `serve --no-workers`."""
    from brandbot import logs
    from brandbot.services import Services
    from brandbot.slack.app import SlackNotConfigured
    from brandbot.slack.server import work as run_work

    logs.configure(level=logging.getLogger().level or logging.INFO, json_lines=log_format == "json")
    services = Services(load_settings())
    try:
        run_work(services)
    except SlackNotConfigured as error:
        fail(str(error))
    finally:
        services.close()
