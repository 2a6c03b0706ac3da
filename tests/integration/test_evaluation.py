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


def scores(report: dict[str, object], split: str = "held-out") -> dict[str, dict[str, float]]:
    return {s["retriever"]: s for s in report["scores"] if s["split"] == split}  # type: ignore[attr-defined, index]


def assert_held_out_floors(report: dict[str, object]) -> None:
    """Floors a little under the goals (recall@1 0.85, recall@5 0.97), above what rank fusion
    gave (recall@1 0.78 to 0.80): falling back to it fails here."""
    by = scores(report)
    corpus = report["corpus"]
    assert by["hybrid"]["recall_at_1"] >= 0.83 and by["hybrid"]["recall_at_5"] >= 0.94, corpus
    best_single = max(by[name]["ndcg_at_10"] for name in ("dense", "sentences", "keyword"))
    assert by["hybrid"]["ndcg_at_10"] >= best_single, corpus


def test_retrieval_on_the_shipped_brand_book_reports_both_splits_above_the_floors(settings: Settings) -> None:
    files = [str(GOLDEN / "guidelines.yaml"), str(GOLDEN / "held-out" / "guidelines.yaml")]
    [report] = cli.run_json(settings_env(settings), "eval", "retrieval", *files)
    assert report["questions"]["dev"] >= 60 and report["questions"]["held-out"] >= 60
    assert set(scores(report, "dev")) == set(scores(report)) == {"hybrid", "dense", "sentences", "keyword"}
    assert_held_out_floors(report)
    assert all(
        0.0 <= value <= 1.0
        for score in report["scores"]  # type: ignore[attr-defined]
        for key, value in score.items()
        if key.endswith(("_1", "_5", "_10"))
    )


@pytest.mark.skipif(not CORPORA.exists(), reason="the shared public style guides are not beside this checkout")
def test_retrieval_on_the_public_style_guides_stays_above_the_floors(settings: Settings) -> None:
    names = ["18f-content-guide.yaml", "mailchimp-content-style-guide.yaml"]
    files = [str(GOLDEN / name) for name in names] + [str(GOLDEN / "held-out" / name) for name in names]
    reports = cli.run_json(settings_env(settings), "eval", "retrieval", *files)
    assert len(reports) == 2, "each corpus's development and held-out files are one report"
    for report in reports:
        assert report["questions"]["held-out"] >= 60
        assert_held_out_floors(report)


def test_draft_evaluation_compares_drafting_with_and_without_approved_examples(
    llm_settings: Settings, tmp_path: Path
) -> None:
    """On the real local vLLM: both arms draft the same requests, the examples arm is shown the
    approved text of the same format, and the judge (here the same small model) scores drafts."""
    approved = tmp_path / "approved.yml"
    approved.write_text(
        "approved:\n"
        "  - format: x_post\n"
        "    request: An X post inviting people to our restore-testing webinar\n"
        "    text: Join our restore-testing webinar on 12 March and leave with a restore plan you've tried.\n"
    )
    requests = tmp_path / "requests.yml"
    requests.write_text(
        f"guidelines: {REPO / 'guidelines'}\nrules: {REPO / 'guidelines' / 'rules'}\napproved: approved.yml\n"
        "requests:\n"
        "  - A short X post about Tidewell Restore\n"
    )
    # Two drafts (each with up to two automatic revisions) and two judgements on the 2-core CPU's
    # small model; the long comparison is `brandbot eval drafts eval/requests.yml` (bench/RESULTS.md).
    report = cli.run_json(settings_env(llm_settings), "eval", "drafts", str(requests), timeout=600)
    assert report["model"] == llm_settings.llm_model and report["server"] == llm_settings.llm_base_url
    assert report["judge"]["model"] == llm_settings.llm_model and "cannot follow this rubric" in report["judge"]["note"]
    without, with_examples = report["arms"]
    assert (without["arm"], with_examples["arm"]) == ("without examples", "with examples")
    for arm in report["arms"]:
        assert arm["drafts"] == 1 and arm["failed"] == 0 and arm["citations_mean"] > 0
        assert 0.0 <= arm["compliant_before_fixes_share"] <= 1.0 and 0.0 <= arm["compliant_share"] <= 1.0
        for result in arm["results"]:
            seconds = result["seconds"]
            assert seconds["llm"] > 0 and seconds["retrieval"] > 0 and seconds["checks"] > 0
            assert seconds["total"] >= seconds["llm"] + seconds["retrieval"] + seconds["checks"]
            assert result["auto_revisions"] <= 2 and result["limit"] > 0
            assert result["judge"] is None or 1 <= result["judge"]["overall"] <= 5
    assert all(result["examples"] == [] for result in without["results"])
    x_post = next(r for r in with_examples["results"] if r["format"] == "x_post")
    assert len(x_post["examples"]) == 1, "the one approved X post is the X post's example"
