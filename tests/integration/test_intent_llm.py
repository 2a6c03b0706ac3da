"""Reading what a message asks for with the real local vLLM: the schema it enforces gives a
usable intent, plain signals win whatever the model would say, and a message without one is
decided by the model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brandbot.config import Settings
from brandbot.llm import LLMClient
from brandbot.workflow.intent import Intent, classify, model_intent
from tests.conftest import REPO, settings_env
from tests.integration import cli

PLAIN = [
    ("Can I say cheap when I talk about our prices?", Intent.question),
    ("a LinkedIn post announcing Tidewell Restore", Intent.draft),
    ('Is this on-brand? "Tidewell is the cheapest backup out there!!!"', Intent.check),
    ("rewrite this on-brand: Tidewell is the BEST backup ever!!!", Intent.rewrite),
]


@pytest.fixture
def llm(llm_settings: Settings) -> Iterator[LLMClient]:
    client = LLMClient(llm_settings)
    yield client
    client.close()


def test_the_model_answers_within_the_schema(llm: LLMClient) -> None:
    for message in ("Tidewell Restore launch for partners", "the trial disclaimer on partner pages"):
        assert model_intent(llm, message) in set(Intent), "vLLM enforced the enum"


@pytest.mark.parametrize(("message", "intent"), PLAIN)
def test_plain_signals_win_over_the_model(llm: LLMClient, message: str, intent: Intent) -> None:
    result = classify(llm, message)
    assert (result.intent, result.source) == (intent, "rules")
    if intent in (Intent.check, Intent.rewrite):
        assert result.text is not None and "Tidewell is the" in result.text


def test_a_message_without_a_plain_signal_is_decided_by_the_model(llm: LLMClient) -> None:
    result = classify(llm, "Tidewell Restore launch for partners")
    assert result.source == "model" and result.intent in set(Intent)


def test_eval_intents_reports_every_reader_on_the_labelled_set(llm_settings: Settings) -> None:
    """The shipped set through the CLI, model included; the patterns' floor sits under what they
    gave when the set was written (0.94), so a change that breaks them fails here."""
    report = cli.run_json(settings_env(llm_settings), "eval", "intents", str(REPO / "eval" / "intents.yml"))
    by = {reader["reader"]: reader for reader in report["readers"]}
    assert set(by) == {"combined", "model", "rules"} and report["messages"] >= 60
    assert by["rules"]["accuracy"] >= 0.85 and by["rules"]["by_model"] == 0
    assert by["model"]["by_model"] == report["messages"], "every answer within the schema"
    for reader in by.values():
        assert {score["intent"] for score in reader["classes"]} == set(Intent)
        assert sum(map(sum, (row.values() for row in reader["confusion"].values()))) == report["messages"]
