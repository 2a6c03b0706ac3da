"""`brandbot serve` as its own process on loopback, the way an operator runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import free_port


def start_bot(env: dict[str, str], log_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """Starts a replica and waits for /healthz; returns the process and its base URL."""
    port = free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "brandbot", "-v", "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"brandbot serve exited {process.returncode}:\n{log_path.read_text()}")
        if is_up(url):
            return process, url
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"brandbot serve did not come up:\n{log_path.read_text()}")


def is_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
