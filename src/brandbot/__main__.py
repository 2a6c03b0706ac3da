"""`python -m brandbot` is the `brandbot` command."""

from brandbot.cli.main import app

app()
