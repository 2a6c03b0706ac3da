"""`brandbot serve` as its own process on loopback, the way an operator runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import free_port


def start_bot(env: dict[str, str], log_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """Starts a replica and waits for /healthz; returns the process and its public base URL
    (`internal_url` gives the one for /readyz and /metrics). In Socket Mode (SLACK_APP_TOKEN set)
    nothing listens publicly, so the internal /healthz is the one waited for."""
    port, internal = free_port(), free_port()
    ports = ["--host", "127.0.0.1", "--port", str(port), "--internal-port", str(internal)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "brandbot", "-v", "serve", *ports, *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    probe = f"http://127.0.0.1:{internal}" if env.get("SLACK_APP_TOKEN") else url
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"brandbot serve exited {process.returncode}:\n{log_path.read_text()}")
        if is_up(probe):
            return process, url
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"brandbot serve did not come up:\n{log_path.read_text()}")


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`brandbot work`, beside a `serve --no-workers`; returns once it says it is working."""
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "brandbot", "-v", "work"], env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"brandbot work exited {process.returncode}:\n{log_path.read_text()}")
        if '"working: drafting' in log_path.read_text():
            return process
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"brandbot work did not start:\n{log_path.read_text()}")


def start_deployment(
    env: dict[str, str], data_dir: Path, *, split: bool
) -> tuple[list[Path], list[subprocess.Popen[bytes]], str]:
    """One `serve`, or with `split` a `serve --no-workers` beside a `brandbot work`: (their logs,
    their processes, the Slack-facing one first; its public base URL)."""
    logs = [data_dir / "serve.log"]
    if not split:
        process, url = start_bot(env, logs[0])
        return logs, [process], url
    process, url = start_bot(env, logs[0], "--no-workers")
    logs.append(data_dir / "work.log")
    return logs, [process, start_worker(env, logs[1])], url


def internal_url(process: subprocess.Popen[bytes]) -> str:
    """The replica's internal listener, read from the command line `start_bot` gave it."""
    args = [str(arg) for arg in process.args]  # type: ignore[union-attr]
    return f"http://127.0.0.1:{args[args.index('--internal-port') + 1]}"


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
