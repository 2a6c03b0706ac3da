"""The promise under faults, short: processes killed after an ack, mid-draft, between a decision's
claim and its resume, and mid-delivery; nothing lost, nothing said twice. On the deployed shape:
`serve --no-workers` beside `brandbot work`. bench/faults.py runs the long version, in that shape
(`--split`) and with two `serve` replicas."""

from __future__ import annotations

from typing import Literal

import pytest

from tests.support.faults import KILL_POINTS, FaultRun
from tests.support.servers import chroma_server, postgres


@pytest.mark.parametrize("shape", ["split"])
def test_kills_at_every_point_lose_and_repeat_nothing(
    shape: Literal["replicas", "split"], tmp_path_factory: pytest.TempPathFactory, local_llm: tuple[str, str]
) -> None:
    with postgres() as database_url, chroma_server() as chroma_url:
        root = tmp_path_factory.mktemp(f"faults-{shape}")
        run = FaultRun(root, database_url, chroma_url, local_llm, seed=7, shape=shape)
        try:
            report = run.run(requests=5, kills=KILL_POINTS)
        finally:
            run.close()
    print(report.summary())
    assert report.kills == list(KILL_POINTS)
    assert report.lost == [] and report.duplicated == []
