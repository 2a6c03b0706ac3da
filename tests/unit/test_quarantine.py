"""Poisoned guidelines: the red-team set in every format is held for review instead of going
live, real brand text never is, and an admin's release or discard decides (audited)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brandbot.cli.guidelines import app as guidelines_cli
from brandbot.config import Settings
from brandbot.guidelines import screening
from brandbot.guidelines.knowledge_base import KnowledgeBase, SourceFile
from brandbot.guidelines.loaders.isolated import parse_isolated
from brandbot.guidelines.loaders.limits import ParseLimits
from brandbot.services import Services
from brandbot.store.audit import entries
from tests.support.brand_text import real_paragraphs
from tests.support.poisoned_docs import (
    ATTACKS,
    GUIDANCE,
    HIDDEN_ORDER,
    WRITERS,
    document,
    hidden_docx,
    hidden_html,
    hidden_pdf,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def knowledge_base(settings: Settings) -> Iterator[KnowledgeBase]:
    built = Services(settings)
    yield built.knowledge_base
    built.close()


def ingest(knowledge_base: KnowledgeBase, name: str, data: bytes) -> int:
    (result,) = knowledge_base.add([SourceFile(name, len(data), lambda: data)], "admin")
    assert result.outcome == "added", result.message
    return result.held


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_each_attack_is_recognised_for_what_it_is(attack: object) -> None:
    assert screening.reasons(attack.attack) == [attack.held_because]  # type: ignore[attr-defined]


def test_the_shipped_guidelines_hide_nothing() -> None:
    limits = ParseLimits.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    for path in sorted((REPO / "guidelines").glob("*.*")):
        document = parse_isolated(path.name, path.read_bytes(), max_bytes=10**8, limits=limits)
        assert document.hidden == [], path.name


def test_no_real_brand_text_is_held() -> None:
    paragraphs = real_paragraphs()
    assert [p[:80] for p in paragraphs if screening.reasons(p)] == []
    assert screening.reasons(GUIDANCE) == []


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_in_every_format_the_poisoned_passage_is_held_and_the_guidance_goes_live(
    knowledge_base: KnowledgeBase, fmt: str
) -> None:
    attack = ATTACKS[sorted(WRITERS).index(fmt) % len(ATTACKS)]
    name, data = document(fmt, attack)
    assert ingest(knowledge_base, name, data) == 1
    (held,) = knowledge_base.quarantine.held()
    assert held.reasons == [attack.held_because] and attack.attack.split()[1] in held.text
    texts = [passage.text for passage in knowledge_base.search("Tidewell voice affordable cheap instructions rules")]
    assert any("affordable" in text for text in texts)
    assert not any(attack.attack.split(".")[0][:30] in text for text in texts)
    control_name, control = document(fmt, None)
    assert ingest(knowledge_base, control_name, control) == 0


def test_release_makes_it_searchable_and_discard_never(knowledge_base: KnowledgeBase) -> None:
    for attack in ATTACKS[:2]:
        ingest(knowledge_base, *document("md", attack))
    first, second = knowledge_base.quarantine.held()
    knowledge_base.release(first.id, "carol")
    knowledge_base.delete_held(second.id, "carol")
    found = {passage.chunk_id for passage in knowledge_base.search("Ignore all previous instructions DAN CEO", 10)}
    assert first.id in found and second.id not in found
    with pytest.raises(LookupError, match="already released by carol"):
        knowledge_base.release(first.id, "dave")
    actions = [entry.action for entry in entries(knowledge_base.quarantine._db)]
    assert actions.count("guideline.quarantined") == 2
    assert "guideline.released" in actions and "guideline.quarantine_deleted" in actions


def test_the_cli_lists_releases_and_discards(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANDBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BRANDBOT_LLM_BASE_URL", settings.llm_base_url)
    built = Services(settings)
    for attack in ATTACKS[:2]:
        ingest(built.knowledge_base, *document("txt", attack))
    built.close()
    runner = CliRunner()
    listed = json.loads(runner.invoke(guidelines_cli, ["quarantine", "--output", "json"]).stdout)
    assert [row["reasons"] for row in listed] == [[attack.held_because] for attack in ATTACKS[:2]]
    assert runner.invoke(guidelines_cli, ["release", listed[0]["id"], "--as", "carol"]).exit_code == 0
    assert runner.invoke(guidelines_cli, ["discard", listed[1]["id"], "--as", "carol"]).exit_code == 0
    again = runner.invoke(guidelines_cli, ["discard", listed[1]["id"]])
    assert again.exit_code != 0 and "already deleted" in " ".join(again.output.split())
    assert "No passages are held" in runner.invoke(guidelines_cli, ["quarantine"]).stdout


@pytest.mark.parametrize(
    "made",
    [
        *(hidden_html(how) for how in ("display: none", "color:#ffffff", "font-size:0px", "hidden")),
        *(hidden_docx(how) for how in ("white", "tiny", "vanish")),
        *(hidden_pdf(how) for how in ("white", "tiny", "off-page")),
    ],
    ids=lambda made: made[0],
)
def test_hidden_text_is_held_and_the_visible_text_goes_live(knowledge_base: KnowledgeBase, made: tuple) -> None:  # type: ignore[type-arg]
    assert ingest(knowledge_base, *made) == 1
    (held,) = knowledge_base.quarantine.held()
    assert held.text == HIDDEN_ORDER and held.reasons == [screening.HIDDEN]
    texts = [passage.text for passage in knowledge_base.search("Tidewell partner evil.example voice affordable", 10)]
    assert any("affordable" in text for text in texts) and not any("evil.example" in text for text in texts)
