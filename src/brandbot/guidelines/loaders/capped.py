"""Running a child process that may write without end: `subprocess.run(capture_output=True)` keeps
all it writes in memory, so here each stream has a cap, and a child that writes past it is killed."""

from __future__ import annotations

import os
import select
import selectors
import subprocess
import time
from dataclasses import dataclass

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes


class OutputOverflow(Exception):
    """The child wrote more than its cap to `stream` ("stdout" or "stderr") and was killed."""

    def __init__(self, stream: str, cap: int) -> None:
        super().__init__(f"the child wrote over {cap} bytes to {stream}")
        self.stream = stream
        self.cap = cap


def run_capped(
    command: list[str], data: bytes, *, timeout_s: float, caps: tuple[int, int], env: dict[str, str]
) -> Finished:
    """`data` on the child's stdin; at most `caps` (stdout, stderr) bytes kept of what it writes.
    Raises `OutputOverflow` past a cap and `subprocess.TimeoutExpired` past `timeout_s`, the
    child killed either way."""
    deadline = time.monotonic() + timeout_s
    pipe = subprocess.PIPE
    with subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=pipe, env=env) as child:
        try:
            stdout, stderr = _exchange(child, memoryview(data), deadline, caps)
            returncode = child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            raise subprocess.TimeoutExpired(command, timeout_s) from None
        except OutputOverflow:
            child.kill()
            raise
    return Finished(returncode, stdout, stderr)


def _exchange(
    child: subprocess.Popen[bytes], pending: memoryview, deadline: float, caps: tuple[int, int]
) -> tuple[bytes, bytes]:
    """Writes stdin and reads both outputs as each is ready, as `communicate` does, to the caps."""
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    captured = {child.stdout.fileno(): bytearray(), child.stderr.fileno(): bytearray()}
    named = {child.stdout.fileno(): ("stdout", caps[0]), child.stderr.fileno(): ("stderr", caps[1])}
    with selectors.DefaultSelector() as selector:
        if pending:
            selector.register(child.stdin, selectors.EVENT_WRITE)
        else:
            child.stdin.close()
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(child.args, 0)
            for key, _ in selector.select(left):
                if key.fileobj is child.stdin:
                    try:
                        pending = pending[os.write(key.fd, pending[: select.PIPE_BUF]) :]
                    except BrokenPipeError:
                        pending = pending[:0]
                    if not pending:
                        selector.unregister(child.stdin)
                        child.stdin.close()
                    continue
                chunk = os.read(key.fd, CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer = captured[key.fd]
                buffer += chunk
                stream, cap = named[key.fd]
                if len(buffer) > cap:
                    raise OutputOverflow(stream, cap)
    return bytes(captured[child.stdout.fileno()]), bytes(captured[child.stderr.fileno()])
