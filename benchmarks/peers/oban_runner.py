"""oban-py (the `oban` package), on the benchmark's PostgreSQL.

- one at a time: `await oban.enqueue(Worker.new(args))`;
- one batch: `await oban.enqueue_many(jobs)`;
- unique: not available: unique jobs are an Oban Pro (paid) feature in oban-py;
- execute: `oban.testing.drain_queue`, its own in-process drain, on the real database
  (recursive, so that it runs every job: it fetches one job per pass; nothing scheduled).
- running queue: a second instance, `Oban(pool, queues={"default": 10})`, started once
  the jobs are in (its own producer, stager, notifier and leader, as in production);
- insert to perform start: `await running.enqueue(job)` on that started instance, one job
  at a time, the queue idle in between (its insert notification wakes the producer).

The client instance is not started (client mode): no queue runner, stager or notifier
competes with the measured inserts and drains; they need none of them.
"""

from __future__ import annotations

import asyncio
import sys
import time
from importlib.metadata import version
from typing import Any

from oban import Oban, worker
from oban.schema import install
from oban.testing import drain_queue

from benchmarks.peers.protocol import WAIT_SECONDS, expect, finished, serve

CONCURRENCY = 10  # jobs at once in the running queue, as the trainer's
WARM_UP = 5  # untimed insert-to-perform samples first
IDLE_SECONDS = 0.02  # after the last job ended, before the next insert-to-perform sample
PERFORMED: asyncio.Queue[float] = asyncio.Queue()  # when each Clocked job began


@worker(queue="default")
class Noop:
    async def process(self, job: Any) -> None:
        return None


@worker(queue="default")
class Clocked:
    async def process(self, job: Any) -> None:
        PERFORMED.put_nowait(time.perf_counter())


class Runner:
    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.oban = Oban(pool=pool)

    async def sql(self, statement: str) -> Any:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(statement)
            return await cursor.fetchone() if cursor.description else None

    async def count(self, state: str | None = None) -> int:
        where = f" WHERE state = '{state}'" if state else ""
        row = await self.sql(f"SELECT count(*) FROM oban_jobs{where}")  # noqa: S608 - constant
        return int(row[0])

    async def insert_one(self, jobs: int) -> dict[str, Any]:
        await self.sql("TRUNCATE oban_jobs RESTART IDENTITY")
        began = time.perf_counter()
        for i in range(jobs):
            await self.oban.enqueue(Noop.new({"i": i}))
        seconds = time.perf_counter() - began
        expect(await self.count(), jobs, "jobs")
        return {"seconds": seconds}

    async def insert_batch(self, jobs: int) -> dict[str, Any]:
        await self.sql("TRUNCATE oban_jobs RESTART IDENTITY")
        began = time.perf_counter()
        await self.oban.enqueue_many([Noop.new({"i": i}) for i in range(jobs)])
        seconds = time.perf_counter() - began
        expect(await self.count(), jobs, "jobs")
        return {"seconds": seconds}

    async def insert_unique_half(self, jobs: int) -> dict[str, Any]:
        return {"skipped": "no unique jobs in oban-py outside Oban Pro (paid)"}

    async def drain(self, jobs: int) -> dict[str, Any]:
        await self.sql("TRUNCATE oban_jobs RESTART IDENTITY")
        await self.oban.enqueue_many([Noop.new({"i": i}) for i in range(jobs)])
        began = time.perf_counter()
        summary = await drain_queue(queue="default", oban=self.oban, with_recursion=True,
                                    with_safety=True, with_scheduled=False)
        seconds = time.perf_counter() - began
        expect(summary["completed"], jobs, "completed jobs")
        expect(await self.count("completed"), jobs, "completed jobs")
        return {"seconds": seconds}

    def running(self) -> Oban:
        return Oban(pool=self.pool, name="running", queues={"default": CONCURRENCY})

    async def run_queue(self, jobs: int) -> dict[str, Any]:
        await self.sql("TRUNCATE oban_jobs RESTART IDENTITY")
        await self.oban.enqueue_many([Noop.new({"i": i}) for i in range(jobs)])
        running = self.running()
        began = time.perf_counter()
        await running.start()
        try:
            await finished(lambda: self.count("completed"), jobs, "completed jobs")
            seconds = time.perf_counter() - began
        finally:
            await running.stop()
        expect(await self.count("completed"), jobs, "completed jobs")
        return {"seconds": seconds}

    async def start_latency(self, samples: int) -> dict[str, Any]:
        await self.sql("TRUNCATE oban_jobs RESTART IDENTITY")
        running = await self.running().start()
        try:
            for _ in range(WARM_UP):
                await start_delay(running)
            found = [await start_delay(running) for _ in range(samples)]
        finally:
            await running.stop()
        expect(await self.count("completed"), WARM_UP + samples, "completed jobs")
        return {"samples": found}


async def start_delay(running: Oban) -> float:
    """Seconds from just before one insert to its perform beginning, on an idle queue."""
    while (queue := running.check_queue("default")) is not None and queue.running:
        await asyncio.sleep(IDLE_SECONDS / 10)
    await asyncio.sleep(IDLE_SECONDS)
    began = time.perf_counter()
    await running.enqueue(Clocked.new({}))
    return await asyncio.wait_for(PERFORMED.get(), WAIT_SECONDS) - began


async def main() -> None:
    pool = await Oban.create_pool(sys.argv[1])
    try:
        await install(pool)
        runner = Runner(pool)
        await serve(version("oban"), {
            "insert_one": runner.insert_one, "insert_batch": runner.insert_batch,
            "insert_unique_half": runner.insert_unique_half, "drain": runner.drain,
            "run_queue": runner.run_queue, "start_latency": runner.start_latency,
        })
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
