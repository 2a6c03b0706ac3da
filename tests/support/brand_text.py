"""Real brand writing to test screens against: every paragraph of the shipped brand book, and of
the two public style guides where they are beside the checkout (or where BRANDBOT_CORPORA says)."""

from __future__ import annotations

import re

from brandbot.config import Settings
from brandbot.evaluation.golden import corpora_root
from tests.conftest import REPO

SHIPPED_PARAGRAPHS = 80
"""Fewer than the shipped book's own: a screen tested on a sample this small tells nothing."""


def real_paragraphs() -> list[str]:
    corpora = corpora_root(Settings(_env_file=None).corpora, REPO)  # type: ignore[call-arg]
    files = [*(REPO / "guidelines").glob("*.md"), *(corpora.glob("*/*.md") if corpora.is_dir() else [])]
    paragraphs = [p for path in files for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip()]
    assert len(paragraphs) > SHIPPED_PARAGRAPHS, "the sample of real brand text is too small to say anything"
    return paragraphs
