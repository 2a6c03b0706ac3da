"""Runs `brandbot` as its own process, as a person or a script would."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

BRANDBOT = [sys.executable, "-m", "brandbot"]


def run(env: dict[str, str], *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*BRANDBOT, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"brandbot {' '.join(args)} exited {result.returncode}:\n{result.stderr}\n{result.stdout}")
    return result


def run_json(env: dict[str, str], *args: str, timeout: float = 300) -> Any:
    return json.loads(run(env, *args, "--output", "json", timeout=timeout).stdout)


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*BRANDBOT, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
