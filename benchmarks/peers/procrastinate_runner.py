"""procrastinate, on the benchmark's PostgreSQL, through its documented async API.

- one at a time: `await task.defer_async(**args)`;
- one batch: `await task.batch_defer_async(*args)`;
- unique: `task.configure(queueing_lock=...)`: a second job with the same lock is refused
  (AlreadyEnqueued) while the first waits, as the trainer's `unique` refuses a duplicate;
- execute: the nearest equivalent of a drain is the real worker on the real database,
  `app.run_worker_async(wait=False)`: it runs what is queued and returns. One job at a
  time (concurrency=1), as the trainer's drain; no LISTEN connection (polling only).
  (procrastinate's in-memory test connector would not touch PostgreSQL: not used.)
- running queue: the same worker as in production, `app.run_worker_async(wait=True)`,
  concurrency 10, LISTEN/NOTIFY on, started once the jobs are in, and cancelled (its
  documented graceful stop) once all of them succeeded.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from importlib.metadata import version
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from benchmarks.peers.protocol import expect, finished, serve

CONCURRENCY = 10  # jobs at once in the running worker, as the trainer's queue

app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=sys.argv[1]))


@app.task(name="noop", queue="default")
async def noop(**_: Any) -> None:
    return None


async def count(status: str | None = None) -> int:
    row = await app.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM procrastinate_jobs "
        "WHERE %(status)s::text IS NULL OR status::text = %(status)s", status=status)
    return int(row["n"])


async def truncate() -> None:
    await app.connector.execute_query_async(
        "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_workers RESTART IDENTITY CASCADE")


async def insert_one(jobs: int) -> dict[str, Any]:
    await truncate()
    began = time.perf_counter()
    for i in range(jobs):
        await noop.defer_async(i=i)
    seconds = time.perf_counter() - began
    expect(await count(), jobs, "jobs")
    return {"seconds": seconds}


async def insert_batch(jobs: int) -> dict[str, Any]:
    await truncate()
    began = time.perf_counter()
    await noop.batch_defer_async(*({"i": i} for i in range(jobs)))
    seconds = time.perf_counter() - began
    expect(await count(), jobs, "jobs")
    return {"seconds": seconds}


async def insert_unique_half(jobs: int) -> dict[str, Any]:
    await truncate()
    half = jobs // 2
    began = time.perf_counter()
    for i in range(jobs):
        key = i % half
        try:
            await noop.configure(queueing_lock=f"id-{key}").defer_async(id=key)
        except AlreadyEnqueued:
            pass
    seconds = time.perf_counter() - began
    expect(await count(), half, "jobs")
    return {"seconds": seconds}


async def drain(jobs: int) -> dict[str, Any]:
    await truncate()
    await noop.batch_defer_async(*({"i": i} for i in range(jobs)))
    began = time.perf_counter()
    await app.run_worker_async(queues=["default"], wait=False, concurrency=1,
                               listen_notify=False, install_signal_handlers=False)
    seconds = time.perf_counter() - began
    expect(await count("succeeded"), jobs, "succeeded jobs")
    return {"seconds": seconds}


async def run_queue(jobs: int) -> dict[str, Any]:
    await truncate()
    await noop.batch_defer_async(*({"i": i} for i in range(jobs)))
    began = time.perf_counter()
    worker = asyncio.create_task(app.run_worker_async(
        queues=["default"], wait=True, concurrency=CONCURRENCY, install_signal_handlers=False))
    try:
        await finished(lambda: count("succeeded"), jobs, "succeeded jobs")
        seconds = time.perf_counter() - began
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    expect(await count("succeeded"), jobs, "succeeded jobs")
    return {"seconds": seconds}


async def main() -> None:
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        await serve(version("procrastinate"), {
            "insert_one": insert_one, "insert_batch": insert_batch,
            "insert_unique_half": insert_unique_half, "drain": drain, "run_queue": run_queue,
        })


if __name__ == "__main__":
    asyncio.run(main())
