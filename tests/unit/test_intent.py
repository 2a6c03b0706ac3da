"""Reading what a message asks for: the patterns alone, the text to check separated from the
instruction, and how the model's answer combines with the patterns (a scripted model forces
its answers here, unusable ones included; tests/integration/test_intent_llm.py asks the real one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.evaluation.intents import evaluate, load_intents
from brandbot.workflow.intent import Intent, classify, own_text, read_rules
from tests.support.fake_llm import FakeLLM

EVAL = Path(__file__).resolve().parents[2] / "eval"

STRONG = [
    ("Can I say cheap when I talk about our prices?", Intent.question),
    ("is it ok to use emoji in a tweet", Intent.question),
    ("What do we call the restore feature?", Intent.question),
    ("a LinkedIn post announcing Tidewell Restore", Intent.draft),
    ("Write an email to trial users about the price change", Intent.draft),
    ("Can you draft a tweet about World Backup Day?", Intent.draft),
    ('Is this on-brand? "Tidewell is the cheapest backup ever"', Intent.check),
    ("check this: Our backups never fail.", Intent.check),
    ("rewrite this on-brand: Tidewell is the BEST!!!", Intent.rewrite),
    ("can you make this sound more like us? Dear Sir/Madam, we regret...", Intent.rewrite),
]


@pytest.mark.parametrize(("message", "intent"), STRONG)
def test_plain_signals_decide_alone(message: str, intent: Intent) -> None:
    reading = read_rules(message)
    assert (reading.intent, reading.strong) == (intent, True)


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("Tidewell Restore launch for partners", Intent.draft),
        ("the trial disclaimer, everywhere?", Intent.question),
        ("Our Starter plan now costs 5 dollars a month. " * 5, Intent.check),
    ],
)
def test_without_a_plain_signal_the_reading_is_weak(message: str, intent: Intent) -> None:
    reading = read_rules(message)
    assert (reading.intent, reading.strong) == (intent, False)


def test_slack_escaped_quotes_are_read_as_pasted_text() -> None:
    message = "&gt; Back up your laptop in one click.\nok to send?"
    assert read_rules(message).intent == Intent.check
    assert own_text(message) == "Back up your laptop in one click."


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ('Is this on-brand? "Tidewell is the cheapest backup ever"', "Tidewell is the cheapest backup ever"),
        ("check this ```Our backups never fail, ever.``` thanks", "Our backups never fail, ever."),
        ("rewrite this on-brand: Tidewell is the BEST!!!", "Tidewell is the BEST!!!"),
        ("does this follow our guidelines?\n\nUnlimited storage for everyone.", "Unlimited storage for everyone."),
        ("rewrite it", None),
    ],
)
def test_the_text_to_check_is_separated_from_the_instruction(message: str, text: str | None) -> None:
    assert own_text(message) == text


def test_a_strong_signal_wins_without_asking_the_model(settings: Settings) -> None:
    fake = FakeLLM(structured={"message_intent": {"intent": "draft"}})
    result = classify(fake.client(settings), "Can I say cheap when I talk about our prices?")
    assert (result.intent, result.source) == (Intent.question, "rules")
    assert fake.requests == [], "no LLM call for a plain question"


def test_a_weak_reading_goes_to_the_model_whose_answer_decides(settings: Settings) -> None:
    fake = FakeLLM(structured={"message_intent": {"intent": "question"}})
    result = classify(fake.client(settings), "Tidewell Restore launch for partners")
    assert (result.intent, result.source) == (Intent.question, "model")
    call = fake.requests[0]
    assert call["response_format"]["json_schema"]["name"] == "message_intent"  # type: ignore[index]
    assert call["messages"][-1]["content"] == "Tidewell Restore launch for partners"  # type: ignore[index]


NOTES = [
    "shorter, mention the free trial",
    "and mention the free trial",
    "less formal please",
    "drop the emoji",
    "use 'affordable' instead of 'cheap'",
    "looks good but lose the emoji",
    "could you mention the free trial?",
    "keep it under 200 characters",
]
"""Replies people write under a draft they wait on."""


@pytest.mark.parametrize("note", NOTES)
def test_a_note_in_the_thread_of_the_senders_draft_is_a_rewrite_without_the_model(
    settings: Settings, note: str
) -> None:
    fake = FakeLLM(structured={"message_intent": {"intent": "question"}})
    assert classify(fake.client(settings), note, on_draft=True).intent == Intent.rewrite
    assert fake.requests == [], "no LLM call for a plain note"
    assert classify(fake.client(settings), note).intent == Intent.question, "elsewhere the model reads it"


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("What do our guidelines say about emoji on LinkedIn?", Intent.question),
        ("Can we mention the free trial?", Intent.question),
        ("Check this text against our brand guidelines: Our backups are bulletproof!!", Intent.check),
    ],
)
def test_a_question_or_a_check_in_the_thread_of_the_senders_draft_stays_one(message: str, intent: Intent) -> None:
    assert classify(None, message, on_draft=True).intent == intent


def test_a_check_from_the_model_carries_the_text_to_check(settings: Settings) -> None:
    fake = FakeLLM(structured={"message_intent": {"intent": "check"}})
    result = classify(fake.client(settings), "thoughts: Tidewell keeps every file, forever")
    assert (result.intent, result.text) == (Intent.check, "Tidewell keeps every file, forever")


@pytest.mark.parametrize(
    "answer",
    [{"intent": "chitchat"}, {"intent": 3}, {}, "not json at all", "[1, 2]"],
    ids=["unknown intent", "not a string", "empty", "not JSON", "not an object"],
)
def test_an_unusable_model_answer_falls_back_to_the_patterns(settings: Settings, answer: object) -> None:
    fake = FakeLLM(structured={"message_intent": answer})
    result = classify(fake.client(settings), "the trial disclaimer, everywhere?")
    assert (result.intent, result.source) == (Intent.question, "rules")
    assert len(fake.requests) == 1, "the model was asked"


def test_a_model_that_cannot_be_reached_falls_back_to_the_patterns(settings: Settings) -> None:
    result = classify(FakeLLM(down=True).client(settings), "Tidewell Restore launch for partners")
    assert (result.intent, result.source) == (Intent.draft, "rules")


@pytest.mark.parametrize("labelled", ["intents.yml", "intents-held-out.yml"])
def test_the_patterns_alone_read_both_labelled_sets(labelled: str) -> None:
    """A floor under the shipped reading (the local model's): below it, messages that ask for an
    answer or a check start reaching approvers as drafts. Figures in bench/RESULTS.md."""
    report = evaluate(load_intents(EVAL / labelled), None)
    [rules] = report.readers
    assert rules.accuracy >= 0.95, [(miss.expected, miss.got, miss.text) for miss in rules.misses]
    assert {score.intent: score.recall for score in rules.classes}[Intent.check] >= 0.95, "checks never become drafts"
