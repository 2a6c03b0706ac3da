"""The property-based tests, run long: the same properties the suite runs bounded (60 examples
each), here with hypothesis's `long` profile (2,000 each, or --examples N).

Prints, per property, the examples tried and the outcome; exits 1 if any property failed.

Run: .venv/bin/python bench/fuzz.py [--examples N]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES = sorted(str(path.relative_to(REPO)) for path in (REPO / "tests" / "unit").glob("test_fuzz_*.py"))
_STATS = re.compile(r"^(tests/\S+::\S+):\s*$|^\s+- (\d+) passing, (\d+) failing", re.M)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=0, help="examples per property (default: the long profile)")
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BRANDBOT_FUZZ_PROFILE": "long"}
    if args.examples:
        env["BRANDBOT_FUZZ_EXAMPLES"] = str(args.examples)
    command = [sys.executable, "-m", "pytest", *FILES, "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    counts: dict[str, list[int]] = {}
    current = ""
    for found in _STATS.finditer(done.stdout):  # a property's phases (reuse, generate, shrink) add up
        if found[1]:
            current = found[1].split("::", 1)[1]
            counts[current] = [0, 0]
        elif current:
            counts[current][0] += int(found[2])
            counts[current][1] += int(found[3])
    rows = [(name, passing, failing) for name, (passing, failing) in counts.items()]
    print(f"{'property':<84} {'passing':>8} {'failing':>8}")
    for name, passing, failing in rows:
        print(f"{name:<84} {passing:>8} {failing:>8}")
    print(f"total: {sum(row[1] for row in rows):,} examples passing, {sum(row[2] for row in rows)} failing")
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
