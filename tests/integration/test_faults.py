"""The promise under faults, short: replicas killed after an ack, mid-draft, between a decision's
claim and its resume, and mid-delivery; nothing lost, nothing said twice. bench/faults.py runs
the long version."""

from __future__ import annotations

import pytest

from tests.support.faults import KILL_POINTS, FaultRun
from tests.support.servers import chroma_server, postgres


def test_kills_at_every_point_lose_and_repeat_nothing(
    tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]
) -> None:
    with postgres() as database_url, chroma_server() as chroma_url:
        run = FaultRun(tmp_path_factory.mktemp("faults"), database_url, chroma_url, local_llm, seed=7)
        try:
            report = run.run(requests=5, kills=KILL_POINTS)
        finally:
            run.close()
    print(report.summary())
    assert report.kills == list(KILL_POINTS)
    assert report.lost == [] and report.duplicated == []
