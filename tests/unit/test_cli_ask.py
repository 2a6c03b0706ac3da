"""`brandbot ask` with a plain question about the guidelines answers it instead of drafting it
(the CLI's side of issue 15's first finding); `--draft` drafts it anyway."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from brandbot.cli.main import app
from brandbot.config import Settings
from brandbot.services import Services

QUESTION = "Can I say cheap when I talk about our prices?"


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """An empty store and no LLM: a question is then "not covered" without a model call, and a
    draft fails at the model, so each path shows without a server."""
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BRANDBOT_LLM_BASE_URL", settings.llm_base_url)
    monkeypatch.setenv("BRANDBOT_LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def requests_made(settings: Settings) -> int:
    services = Services(settings)
    try:
        return len(services.requests.list_requests(limit=10))
    finally:
        services.close()


def test_a_question_is_answered_not_drafted(runner: CliRunner, settings: Settings) -> None:
    shown = runner.invoke(app, ["ask", QUESTION, "--as", "alice"])
    assert shown.exit_code == 0, shown.output
    assert "reads as a question about the guidelines" in shown.output and "Not covered." in shown.output
    answered = json.loads(runner.invoke(app, ["ask", QUESTION, "-o", "json"]).stdout)
    assert (answered["question"], answered["reason"]) == (QUESTION, "nothing_relevant")
    assert requests_made(settings) == 0, "nothing went to approval"


def test_draft_drafts_it_anyway(runner: CliRunner, settings: Settings) -> None:
    runner.invoke(app, ["ask", QUESTION, "--draft", "--as", "alice"])
    assert requests_made(settings) == 1


def test_a_draft_request_is_still_drafted(runner: CliRunner, settings: Settings) -> None:
    shown = runner.invoke(app, ["ask", "a LinkedIn post announcing Tidewell Restore", "--as", "alice"])
    assert "reads as a question" not in shown.output
    assert requests_made(settings) == 1
