"""Answers to guideline questions against the real local vLLM and the shipped brand book: whatever
the small model writes, citations come only from the passages retrieved, an answer is grounded
in what it cites, and a question far from the guidelines is "not covered" without a model call;
`brandbot answer` does the same as its own process and records what it answered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from brandbot.guidelines.retrieval import Passage
from brandbot.services import Services
from brandbot.workflow.answers import QUOTABLE, NotCovered, answer_question, grounded
from tests.conftest import GUIDELINES, make_settings, settings_env
from tests.integration import cli

FAR = "how do I connect to the VPN from home?"
ON_TOPIC = ("can I say 'cheap' about our prices?", "how do we write dates in emails?")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]) -> dict[str, str]:
    """One ingest of the shipped brand book for the module."""
    directory = tmp_path_factory.mktemp("answers") / "data"
    built = settings_env(make_settings(directory, llm_base_url=local_llm[0], llm_model=local_llm[1]))
    cli.run(built, "guidelines", "add", str(GUIDELINES))
    return built


@pytest.fixture
def services(env: dict[str, str], local_llm: tuple[str, str]) -> Services:
    settings = make_settings(Path(env["BRANDBOT_DATA_DIR"]), llm_base_url=local_llm[0], llm_model=local_llm[1])
    return Services(settings)


@pytest.mark.parametrize("question", ON_TOPIC)
def test_citations_come_only_from_the_passages_retrieved(services: Services, question: str) -> None:
    shown: list[Passage] = []

    def search(text: str) -> list[Passage]:
        shown.extend(services.knowledge_base.search(text))
        return shown

    try:
        answered = answer_question(services.settings, search, services.llm, question)
    finally:
        services.close()
    assert answered.retrieved, "the brand book has passages close to this question"
    assert answered.model == services.llm.model, "passages were close enough: the model was asked"
    assert {citation.chunk_id for citation in answered.citations} <= set(answered.retrieved)
    cited = [p for p in shown if p.chunk_id in {citation.chunk_id for citation in answered.citations}]
    if answered.quoted:
        assert answered.reason in QUOTABLE and len(cited) == 1
        assert set(re.findall(r"\w+", answered.answer)) <= set(re.findall(r"\w+", cited[0].text)), "its own words"
    elif answered.covered:
        assert answered.citations and answered.reason is None
        assert grounded(answered.answer, [p.text for p in cited]), "from the passages, never the question"
    else:
        assert answered.reason is NotCovered.model_said_so
        assert (answered.answer, answered.citations) == ("", [])


def test_a_question_far_from_the_guidelines_is_not_covered_without_the_model(services: Services) -> None:
    try:
        answered = answer_question(services.settings, services.knowledge_base.search, services.llm, FAR)
    finally:
        services.close()
    assert (answered.covered, answered.reason, answered.model) == (False, NotCovered.nothing_relevant, None)


def test_brandbot_answer_as_json_and_the_feedback_listing(env: dict[str, str]) -> None:
    far = cli.run_json(env, "answer", FAR, "--as", "alice")
    assert (far["covered"], far["reason"], far["citations"], far["model"]) == (False, "nothing_relevant", [], None)
    assert far["timings"]["llm_ms"] == 0 and far["timings"]["total_ms"] >= far["timings"]["retrieval_ms"]
    near = cli.run_json(env, "answer", ON_TOPIC[0], "--as", "bob")
    assert near["model"] and {c["chunk_id"] for c in near["citations"]} <= set(near["retrieved"])
    assert all(c["source"] and len(c["version"]) == 16 and c["quote"] for c in near["citations"])
    assert near["covered"] == bool(near["citations"])
    shown = cli.run(env, "answer", FAR).stdout
    assert shown.startswith("Not covered.") and "won't guess" in shown
    listed = cli.run_json(env, "answers", "feedback", "--all")
    assert [(row["answer_id"], row["asker"]) for row in listed[1:3]] == [
        (near["answer_id"], "bob"),
        (far["answer_id"], "alice"),
    ]
    refused = cli.run(env, "answer", "   ", check=False)
    assert refused.returncode == 1 and "question is empty" in refused.stderr
