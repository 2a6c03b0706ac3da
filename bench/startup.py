"""How fast the `brandbot` command starts, against the bare interpreter, measured in one run.

Runs `python -c pass`, `brandbot --help` and `brandbot rules check FILE --rules-dir DIR` (a
one-rule styles directory this script writes) N times each, in turns, in a scratch directory, and prints
the medians and their ratios to `python -c pass`. Goals: --help within 10x, rules check within
15x; exit status 1 when one is missed. Absolute times drift with the machine's load, so only the
ratios within one run are compared to the goals.

Run: .venv/bin/python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULE = "extends: existence\nmessage: \"Avoid '%s'.\"\nlevel: warning\ntokens: [cheap, revolutionary]\n"
DRAFT = "Our cheap backup keeps every file safe.\n"


def brandbot() -> list[str]:
    """The installed console script next to this interpreter, else `python -m brandbot`."""
    script = Path(sys.executable).with_name("brandbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "brandbot"]


def medians(commands: list[list[str]], runs: int, cwd: Path) -> list[float]:
    """Median seconds of each command, run in turns (one of each per round) so that a burst of
    load elsewhere on the machine slows all of them alike, not only the one running then.

    Bytecode is cached under the scratch directory even where PYTHONDONTWRITEBYTECODE is set:
    an installed brandbot has its .pyc files, and compiling every module on each start would
    measure the compiler instead."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPYCACHEPREFIX": str(cwd / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times: list[list[float]] = [[] for _ in commands]
    for attempt in range(runs + 1):  # the first round warms the page cache and writes bytecode; not counted
        for command, timed in zip(commands, times, strict=True):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if done.returncode not in (0, 1):
                sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
            if attempt:
                timed.append(elapsed)
    return [statistics.median(timed) for timed in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="Timed runs per command (default 10).")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="brandbot-bench-startup-") as scratch:
        root = Path(scratch)
        (root / "styles" / "Bench").mkdir(parents=True)
        (root / "styles" / "Bench" / "Hype.yml").write_text(RULE, encoding="utf-8")
        (root / "draft.md").write_text(DRAFT, encoding="utf-8")
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("brandbot --help", [*brandbot(), "--help"], 10.0),
            (
                "brandbot rules check (1 file)",
                [*brandbot(), "rules", "check", "draft.md", "--rules-dir", "styles"],
                15.0,
            ),
        ]
        timed = medians([command for _, command, _ in cases], runs, root)
    seconds = {label: median for (label, _, _), median in zip(cases, timed, strict=True)}
    baseline = seconds["python -c pass"]
    print(f"Start-up, median of {runs} runs each")
    print(f"  {'command':<32} {'median':>9} {'ratio':>7} {'goal':>7}")
    missed = False
    for label, _, goal in cases:
        ratio = seconds[label] / baseline
        verdict = "" if goal is None else f"<= {goal:.0f}x" + ("" if ratio <= goal else "  MISSED")
        missed |= goal is not None and ratio > goal
        print(f"  {label:<32} {seconds[label] * 1000:>6.1f} ms {ratio:>6.1f}x {verdict:>7}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
