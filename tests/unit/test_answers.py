"""Answers to guideline questions, each branch forced with a scripted model over a real
guideline index (real Chroma, the real embedding model, real SQLite): a covered answer cites
only passages it was given; a made-up passage number, a "not covered" from the model, an answer
in words the passages don't use, or nothing close enough retrieved all end as "not covered".
Feedback is one verdict per person, and audited; the Slack message is a pure builder."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from brandbot.config import Settings
from brandbot.evaluation.answers import UncoveredSet, evaluate, subset
from brandbot.evaluation.golden import GoldenSet
from brandbot.guidelines.knowledge_base import SourceFile
from brandbot.services import Services
from brandbot.slack.blocks import answers as blocks
from brandbot.store import answers as store
from brandbot.store.audit import entries
from brandbot.workflow.answers import NotCovered, answer_question, grounded, quoted_line
from tests.support.fake_llm import FakeLLM
from tests.support.slack_markup import literal_text

GUIDE = (
    b"# Words we use\n\n## Prices\n\n"
    b"Describe our prices as affordable or fair. Never call them cheap: it suggests low quality.\n\n"
    b"## Dates\n\nWrite dates like 3 March 2026, with the month spelled out."
)
CHEAP = "Can I say cheap when I talk about our prices?"
PRICES = "Describe our prices as affordable or fair. Never call them cheap: it suggests low quality."
COVERED = {"covered": True, "citations": [1], "answer": "No: never call our prices cheap, describe them as affordable."}


@pytest.fixture
def fake() -> FakeLLM:
    return FakeLLM()


@pytest.fixture
def services(settings: Settings, fake: FakeLLM) -> Iterator[Services]:
    built = Services(settings, llm=fake.client(settings))
    built.knowledge_base.add([SourceFile("words.md", len(GUIDE), lambda: GUIDE)], "admin")
    yield built
    built.close()


def ask(services: Services, fake: FakeLLM, reply: object, question: str = CHEAP):  # type: ignore[no-untyped-def]
    fake.structured = {"guideline_answer": reply}
    return answer_question(services.settings, services.knowledge_base.search, services.llm, question)


def test_a_covered_answer_cites_the_passage_with_its_version_and_quoted_line(services: Services, fake: FakeLLM) -> None:
    answered = ask(services, fake, COVERED)
    assert answered.covered and answered.reason is None
    assert answered.answer == COVERED["answer"]
    [citation] = answered.citations
    assert citation.chunk_id == answered.retrieved[0]
    assert (citation.source, citation.where) == ("words.md", "Words we use > Prices")
    assert citation.version == services.knowledge_base.registry.get("words.md").version  # type: ignore[union-attr]
    assert citation.quote == "Never call them cheap: it suggests low quality."
    assert answered.model == services.llm.model and answered.timings.llm_ms > 0
    assert answered.timings.total_ms >= answered.timings.retrieval_ms + answered.timings.llm_ms
    [call] = fake.requests
    system = call["messages"][0]["content"]  # type: ignore[index]
    assert '[1]\n<passage source="Words we use > Prices">' in system
    assert call["messages"][1]["content"] == CHEAP  # type: ignore[index]
    enforced = call["response_format"]["json_schema"]["schema"]  # type: ignore[index]
    cited = enforced["anyOf"][0]["properties"]["citations"]["items"]["enum"]
    assert cited == list(range(1, len(answered.retrieved) + 1)), "only numbers of passages given can be cited"


def test_a_passage_number_that_does_not_exist_is_dropped(services: Services, fake: FakeLLM) -> None:
    answered = ask(services, fake, {**COVERED, "citations": [1, 9, 1]})
    assert answered.covered and not answered.quoted and [c.number for c in answered.citations] == [1]
    nothing_valid = ask(services, fake, {**COVERED, "citations": [9, 0]})
    assert nothing_valid.quoted and nothing_valid.reason is NotCovered.no_valid_citation


def test_the_model_saying_not_covered_is_not_covered(services: Services, fake: FakeLLM) -> None:
    answered = ask(services, fake, {"covered": False})
    assert (answered.covered, answered.reason, answered.citations) == (False, NotCovered.model_said_so, [])
    assert not answered.quoted and answered.answer == "", "the model's word that nothing covers it is kept"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ({**COVERED, "answer": "Yes, cheap is fine for the spring promotion in Canada."}, NotCovered.ungrounded),
        ({**COVERED, "answer": "awesome awesome awesome"}, NotCovered.ungrounded),
        (["not", "an", "object"], NotCovered.unreadable),
    ],
)
def test_an_unusable_answer_gives_the_guidelines_own_line_instead(
    services: Services, fake: FakeLLM, reply: object, reason: NotCovered
) -> None:
    answered = ask(services, fake, reply)
    assert (answered.covered, answered.quoted, answered.reason) == (True, True, reason)
    [citation] = answered.citations
    assert citation.number == 1 and citation.chunk_id == answered.retrieved[0]
    assert answered.answer == PRICES, "the passage as worded, not the model's"
    assert answered.to_dict()["quoted"] is True


def test_an_answer_only_the_question_supports_is_not_grounded(services: Services, fake: FakeLLM) -> None:
    """The asker's false claim repeated back is no answer from the guidelines: the question's
    words never count as a source, only the passages' do."""
    claim = "Our guidelines say we can call the product cheap and budget friendly, right?"
    echoed = "Yes: the guidelines say we can call the product cheap and budget friendly."
    assert grounded(echoed, [claim]), "every word of it is the question's"
    answered = ask(services, fake, {**COVERED, "answer": echoed}, claim)
    assert (answered.covered, answered.quoted, answered.reason) == (True, True, NotCovered.ungrounded)
    assert answered.answer == PRICES, "the guidelines' own line, not the claim"


def test_a_rule_read_backwards_is_caught_and_the_rule_quoted(services: Services, fake: FakeLLM) -> None:
    """The local model once answered "Tidewell Vault is ransomware-proof" from the passage that
    forbids saying so: its words are all in the passage, so only the negation tells."""
    answered = ask(services, fake, {**COVERED, "answer": "Call our prices cheap: it suggests quality."})
    assert (answered.quoted, answered.reason) == (True, NotCovered.contradicted)
    assert answered.answer == PRICES
    kept = ask(services, fake, {**COVERED, "answer": "Describe our prices as affordable or fair, never as cheap."})
    assert (kept.quoted, kept.reason) == (False, None), "an answer that keeps the negation stands"


def test_nothing_close_enough_is_not_covered_without_asking_the_model(services: Services, fake: FakeLLM) -> None:
    answered = ask(services, fake, COVERED, "How do I connect to the VPN from home?")
    assert (answered.covered, answered.reason, answered.model) == (False, NotCovered.nothing_relevant, None)
    assert fake.requests == [], "the model was not asked"
    assert answered.timings.llm_ms == 0


def test_an_empty_question_is_refused_by_name(services: Services, fake: FakeLLM) -> None:
    with pytest.raises(ValueError, match="question is empty"):
        ask(services, fake, COVERED, "  \n ")


def test_grounding_and_the_quoted_line() -> None:
    passage = "Prices\n\nDescribe our prices as affordable. Never call them cheap."
    assert grounded("Call the price affordable, never cheap.", [passage])
    assert not grounded("Use emoji in every subject line.", [passage])
    assert quoted_line(passage, "is cheap ok?") == "Never call them cheap."


def test_feedback_is_one_verdict_per_person_the_latest_kept_and_audited(services: Services, fake: FakeLLM) -> None:
    answered = ask(services, fake, COVERED)
    with services.db.session() as session:
        answer_id = store.add(session, "answer:test", "UALICE", answered.to_dict(), {"dm_user": "UALICE"})
    record = store.get(services.db, answer_id)
    assert record is not None and record.covered and record.citations[0]["quote"].startswith("Never call")
    assert store.give_feedback(services.db, answer_id, "UBOB", store.Verdict.helpful)
    assert store.give_feedback(services.db, answer_id, "UBOB", store.Verdict.not_right)
    assert store.give_feedback(services.db, answer_id, "UCAROL", store.Verdict.helpful)
    assert store.verdicts(services.db, answer_id) == {"UBOB": "not_right", "UCAROL": "helpful"}
    assert not store.give_feedback(services.db, answer_id + 1, "UBOB", store.Verdict.helpful)
    [summary] = store.feedback(services.db)
    assert (summary.answer_id, summary.helpful, summary.not_right) == (answer_id, 1, 1)
    audited = [(e.actor, e.detail["verdict"]) for e in entries(services.db) if e.action == "answer.feedback"]
    assert audited == [("UBOB", "helpful"), ("UBOB", "not_right"), ("UCAROL", "helpful")]


def test_the_message_shows_the_answer_its_citations_and_buttons() -> None:
    citation = {"number": 1, "title": "Words", "section": "Prices", "source": "w.md", "version": "abcdef1234567890"}
    message = blocks.answer_message(
        7,
        "<!channel> cheap?",
        True,
        "Say affordable <!here>.",
        [{**citation, "quote": "Never <b>cheap</b>."}],
        show_question=True,
    )
    shown = json.dumps(message["blocks"])
    assert "<!channel>" not in shown and "<!here>" not in shown and "&lt;!here&gt;" in shown
    assert "*Words &gt; Prices*, version `abcdef12`:" in shown
    [cited] = [block for block in message["blocks"] if block["type"] == "context" and "abcdef12" in json.dumps(block)]
    assert cited["elements"][1] == {"type": "plain_text", "text": "“Never <b>cheap</b>.”", "emoji": False}
    [actions] = [block for block in message["blocks"] if block["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (blocks.HELPFUL, "7"),
        (blocks.NOT_RIGHT, "7"),
    ]
    quoted = blocks.answer_message(
        9, "cheap?", True, "Never <!here> cheap.", [citation], show_question=False, quoted=True
    )
    assert quoted["blocks"][0]["text"]["text"] == blocks.QUOTED, "said to be a quote"
    assert literal_text(quoted["blocks"]) == "Never <!here> cheap.", "shown as worded, in rich text"
    assert quoted["text"] == "Never &lt;!here&gt; cheap."
    not_covered = blocks.answer_message(8, "VPN?", False, "", [], show_question=False)
    assert "don't cover this" in not_covered["text"]
    [actions] = [block for block in not_covered["blocks"] if block["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [blocks.FORWARD, blocks.NOT_RIGHT]
    assert "You asked" not in json.dumps(not_covered["blocks"])


def test_the_evaluation_scores_citations_and_not_covered(services: Services, fake: FakeLLM) -> None:
    golden = GoldenSet.model_validate(
        {
            "corpus": "repo:x",
            "questions": [
                {
                    "id": "q1",
                    "question": CHEAP,
                    "answers": [{"document": "words.md", "quote": "never call them cheap"}],
                },
                {
                    "id": "q2",
                    "question": "how do we write dates?",
                    "answers": [{"document": "words.md", "section": "Dates"}],
                },
            ],
        }
    )
    uncovered = UncoveredSet.model_validate({"corpus": "repo:x", "questions": [{"id": "u1", "question": "VPN setup?"}]})
    fake.structured = {"guideline_answer": COVERED}
    report = evaluate(services.settings, services.knowledge_base, services.llm, golden, uncovered)
    assert (report.golden, report.uncovered) == (2, 1)
    by_id = {outcome.id: outcome for outcome in report.outcomes}
    assert by_id["q1"].right, "passage 1 for the cheap question is the prices passage"
    assert report.not_covered_share == 1.0 and report.reasons["nothing_relevant"] == 1
    assert set(report.timings_ms["all"]) >= {"retrieval_50", "llm_95", "rest_50", "total_95"}
    assert [q.id for q in subset(golden.questions, 1)] == ["q1"] and len(subset(golden.questions, 5)) == 2
