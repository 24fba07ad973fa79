"""The runner side of the line protocol: one JSON object per line each way.

Out first: {"ready": true, "version": ..., "python": ...}. Then for each command in,
{"op": NAME, "jobs": N}, one line out: {"seconds": S}, {"samples": [S, ...]} (N timings,
for the latency operations), {"skipped": WHY} or {"error": ...}.
{"op": "quit"} ends the runner.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

Operation = Callable[[int], Awaitable[dict[str, Any]]]
POLL_SECONDS = 0.01  # between two counts while waiting for a running queue to finish
WAIT_SECONDS = 300.0  # for a running queue to finish its jobs, at most


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def serve(version: str, operations: dict[str, Operation]) -> None:
    say({"ready": True, "version": version, "python": platform.python_version()})
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        command = json.loads(line)
        if command["op"] == "quit":
            return
        try:
            say(await operations[command["op"]](command["jobs"]))
        except Exception as error:  # noqa: BLE001 - reported to the main process
            traceback.print_exc()
            say({"error": f"{command['op']}: {type(error).__name__}: {error}"})


def expect(found: int, wanted: int, what: str) -> None:
    if found != wanted:
        raise AssertionError(f"expected {wanted} {what}, found {found}")


async def finished(count: Callable[[], Awaitable[int]], wanted: int, what: str) -> None:
    """Return once `count()` reaches `wanted`, counting every POLL_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (found := await count()) < wanted:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {wanted} {what} within {WAIT_SECONDS:.0f} s, "
                                 f"found {found}")
        await asyncio.sleep(POLL_SECONDS)
