"""Reading an untrusted file in a child process with a memory limit (RLIMIT_AS) and a time limit:
a crafted file (a decompression bomb, a PDF that never ends, a parser bug) costs that process,
never the bot, and whatever goes wrong comes back as a one-line LoaderError naming the reason.

The child gets no secrets: it starts isolated (`python -I`), with only PATH and the locale in its
environment, and answers in JSON on stdout. What it may write is capped too: its answer at
`max_unpacked_bytes` (the text read from one file), and in the bot what it writes on stdout and
stderr (`capped.run_capped`), so a file that makes the parser print without end costs no memory."""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
from dataclasses import asdict

from brandbot.guidelines.document import LoadedDocument, LoaderError, Section
from brandbot.guidelines.loaders import parse_document
from brandbot.guidelines.loaders.capped import OutputOverflow, run_capped
from brandbot.guidelines.loaders.limits import MB, ParseLimits

log = logging.getLogger(__name__)
STARTUP_S = 10.0
"""Added to the time limit for the child's own start (a loaded machine can take seconds)."""
REASON_CHARS = 300
ANSWER_ROOM = 1 * MB
"""Of the child's stdout, what may come on top of the text it reads: the JSON around it."""
STDERR_BYTES = 10 * MB
"""Of the child's stderr (parsers' warnings), what the bot keeps; only its end is logged."""
_STREAMS = {"stdout": "output", "stderr": "messages"}
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")


def parse_isolated(name: str, data: bytes, *, max_bytes: int, limits: ParseLimits) -> LoadedDocument:
    """`parse_document` in a child process; the child is killed past the time limit or an output cap."""
    request = json.dumps({"name": name, "max_bytes": max_bytes, "limits": asdict(limits)})
    try:
        done = run_capped(
            [sys.executable, "-I", "-m", __name__, request],
            data,
            timeout_s=limits.time_limit_s + STARTUP_S,
            caps=(limits.max_unpacked_bytes + ANSWER_ROOM, STDERR_BYTES),
            env={key: os.environ[key] for key in _ENVIRONMENT if key in os.environ},
        )
    except subprocess.TimeoutExpired:
        raise LoaderError(f"reading it took over the {limits.time_limit_s:g} s limit") from None
    except OutputOverflow as overflow:
        log.warning("parser for %s wrote over %d bytes to %s; stopped", name, overflow.cap, overflow.stream)
        written = f"over {overflow.cap / MB:g} MB of {_STREAMS[overflow.stream]}"
        raise LoaderError(f"reading it made the parser write {written}, the most allowed") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        log.warning("parser for %s exited %s: %s", name, done.returncode, done.stderr[-500:].decode(errors="replace"))
        raise LoaderError(_crash_reason(done.returncode, limits)) from None
    if "error" in answer:
        raise LoaderError(one_line(answer["error"]))
    sections = [Section(tuple(path), text, page) for path, text, page in answer["sections"]]
    return LoadedDocument(answer["title"], sections, list(answer.get("hidden", [])))


def one_line(text: str) -> str:
    """Parsers' messages can span lines and pages; the admin reads one short line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= REASON_CHARS else flat[: REASON_CHARS - 1] + "…"


def _crash_reason(returncode: int, limits: ParseLimits) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"reading it took over the {limits.time_limit_s:g} s limit"
    return f"the parser stopped without an answer (exit status {returncode})"


def _answer(name: str, data: bytes, max_bytes: int, limits: ParseLimits) -> dict[str, object]:
    try:
        document = parse_document(name, data, max_bytes=max_bytes, limits=limits)
    except LoaderError as error:
        return {"error": str(error)}
    except MemoryError:
        return {"error": f"reading it needs more than the {limits.memory_bytes // MB} MB of memory allowed"}
    except RecursionError:
        return {"error": "it is nested too deeply to read"}
    except Exception as error:  # any parser failure on a hostile file refuses that file, by name
        return {"error": f"it cannot be read ({type(error).__name__}: {error})"}
    sections = [[list(section.path), section.text, section.page] for section in document.sections]
    return {"title": document.title, "sections": sections, "hidden": document.hidden}


def _capped(answer: dict[str, object], limits: ParseLimits) -> str:
    """The answer as sent back, unless the text read from the file is more than one document may hold."""
    encoded = json.dumps(answer)
    if len(encoded) > limits.max_unpacked_bytes:
        most = limits.max_unpacked_bytes / MB
        return json.dumps({"error": f"the text read from it comes to over {most:g} MB, the most one document may hold"})
    return encoded


def main() -> None:
    """The child: limits first, then the file from stdin, the answer to stdout."""
    request = json.loads(sys.argv[1])
    limits = ParseLimits(**request["limits"])
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu_s = math.ceil(limits.time_limit_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    answer = _answer(request["name"], sys.stdin.buffer.read(), request["max_bytes"], limits)
    sys.stdout.write(_capped(answer, limits))


if __name__ == "__main__":
    main()
