"""`brandbot llm ...`: the local vLLM server for development, tests and the demo."""

from __future__ import annotations

import typer

from brandbot.cli.context import load_settings
from brandbot.cli.output import PLAIN_HELP, console, errors, fail

app = typer.Typer(
    help="Run the local LLM server (vLLM on the CPU, SmolLM2-135M).", no_args_is_help=True, rich_markup_mode=PLAIN_HELP
)


def _step(message: str) -> None:
    errors().print(f"[bold blue]•[/] {message}", highlight=False)


@app.command()
def serve() -> None:
    """Install (once), convert the model (once), start vLLM and wait until it answers."""
    from brandbot.local_llm.server import LocalLLM, LocalLLMError

    local = LocalLLM.from_settings(load_settings())
    try:
        local.start(_step)
    except LocalLLMError as error:
        fail(str(error))


@app.command()
def stop() -> None:
    """Stop the server `brandbot llm serve` started."""
    from brandbot.local_llm.server import LocalLLM

    local = LocalLLM.from_settings(load_settings())
    console().print("Stopped." if local.stop() else "No server started by brandbot is running.")


@app.command()
def status() -> None:
    """Whether the local server answers."""
    from brandbot.local_llm.server import LocalLLM

    local = LocalLLM.from_settings(load_settings())
    if local.healthy():
        console().print(f"[green]up[/] at {local.base_url}/v1")
    else:
        console().print(f"[red]down[/] (nothing answers at {local.base_url}/health)")
        raise typer.Exit(1)
