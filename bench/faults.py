"""The fault run, long: 20 requests in flight (PostgreSQL, a Chroma server, the Slack stand-in,
the local vLLM), decisions from Slack and the CLI, a process SIGKILLed at each chosen point and
restarted, two seeds. Prints kills survived, requests, lost and duplicated.

Two `brandbot serve` replicas, or with `--split` two `serve --no-workers` beside two `brandbot work`.
Needs the local LLM (`brandbot llm serve`) and PostgreSQL. Run: .venv/bin/python bench/faults.py [--split]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.faults import KILL_POINTS, FaultRun
from tests.support.servers import chroma_server, postgres

SEEDS = (1, 2)
REQUESTS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", action="store_true", help="serve --no-workers beside brandbot work")
    shape = "split" if parser.parse_args().split else "replicas"
    base_url = "http://127.0.0.1:8000/v1"
    model = httpx.get(f"{base_url}/models", timeout=10).json()["data"][0]["id"]
    totals = {"kills": 0, "requests": 0, "decisions": 0, "lost": 0, "duplicated": 0}
    for seed in SEEDS:
        with postgres() as database_url, chroma_server() as chroma_url:
            root = Path(tempfile.mkdtemp(prefix=f"brandbot-bench-faults-{seed}-"))
            run = FaultRun(root, database_url, chroma_url, (base_url, model), seed=seed, shape=shape)
            try:
                report = run.run(requests=REQUESTS, kills=KILL_POINTS)
            finally:
                run.close()
        print(f"{shape}, seed {seed}: {report.summary()}", flush=True)
        for problem in report.lost + report.duplicated:
            print(f"  {problem}")
        totals["kills"] += len(report.kills)
        totals["requests"] += report.requests
        totals["decisions"] += report.decisions
        totals["lost"] += len(report.lost)
        totals["duplicated"] += len(report.duplicated)
    print(
        f"all seeds: {totals['kills']} kills survived, {totals['requests']} requests, "
        f"{totals['decisions']} decisions, lost {totals['lost']}, duplicated {totals['duplicated']}"
    )


if __name__ == "__main__":
    main()
