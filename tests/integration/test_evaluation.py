"""Evaluation runs in the suite: floors well below the goals, so a change that breaks retrieval fails CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.config import Settings
from brandbot.evaluation.golden import corpora_root
from tests.conftest import REPO, settings_env
from tests.integration import cli

GOLDEN = REPO / "eval" / "golden"
CORPORA = corpora_root(Settings(_env_file=None).corpora, REPO)  # type: ignore[call-arg]


def scores(report: dict[str, object]) -> dict[str, dict[str, float]]:
    return {score["retriever"]: score for score in report["scores"]}  # type: ignore[attr-defined, index]


def test_retrieval_on_the_shipped_brand_book_stays_above_its_floor(settings: Settings) -> None:
    [report] = cli.run_json(settings_env(settings), "eval", "retrieval", str(GOLDEN / "guidelines.yaml"))
    by = scores(report)
    assert report["questions"] >= 40
    assert by["hybrid"]["recall_at_5"] >= 0.8 and by["hybrid"]["ndcg_at_10"] >= 0.65
    assert by["hybrid"]["ndcg_at_10"] >= max(by["dense"]["ndcg_at_10"], by["keyword"]["ndcg_at_10"]) - 0.05
    assert all(
        0.0 <= value <= 1.0
        for score in by.values()
        for key, value in score.items()
        if key.endswith(("_1", "_5", "_10"))
    )


@pytest.mark.skipif(not CORPORA.exists(), reason="the shared public style guides are not beside this checkout")
def test_retrieval_on_the_public_style_guides_stays_above_its_floor(settings: Settings) -> None:
    files = [str(GOLDEN / "18f-content-guide.yaml"), str(GOLDEN / "mailchimp-content-style-guide.yaml")]
    for report in cli.run_json(settings_env(settings), "eval", "retrieval", *files):
        by = scores(report)
        assert report["questions"] >= 40
        assert by["hybrid"]["recall_at_5"] >= 0.8 and by["hybrid"]["ndcg_at_10"] >= 0.65, report["corpus"]


def test_draft_evaluation_reports_on_real_drafts(llm_settings: Settings, tmp_path: Path) -> None:
    requests = tmp_path / "requests.yml"
    requests.write_text(
        f"guidelines: {REPO / 'guidelines'}\nrules: {REPO / 'guidelines' / 'rules'}\n"
        "requests:\n"
        "  - A short X post about Tidewell Restore\n"
        "  - A Slack message inviting the community to office hours\n"
    )
    report = cli.run_json(settings_env(llm_settings), "eval", "drafts", str(requests))
    assert report["drafts"] == 2 and report["failed"] == 0
    assert report["model"] == llm_settings.llm_model and report["server"] == llm_settings.llm_base_url
    assert 0.0 <= report["compliant_share"] <= 1.0 and report["citations_mean"] > 0
    for result in report["results"]:
        seconds = result["seconds"]
        assert seconds["llm"] > 0 and seconds["retrieval"] > 0
        assert seconds["total"] >= seconds["llm"] + seconds["retrieval"] + seconds["checks"]
        assert result["auto_revisions"] <= 2 and result["limit"] > 0
