"""Running one call from several threads released together, as racing replicas would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def at_once(times: int, call: Callable[[], Result]) -> list[Result]:
    barrier = threading.Barrier(times)
    results: list[Result] = []

    def run() -> None:
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
