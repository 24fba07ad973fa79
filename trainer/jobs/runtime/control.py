"""Queue control on a started Oban: pause, resume, scale, start, stop, check.

Each action applies in this process at once and is signalled to the instances of the same
name elsewhere, unless `local_only=True` (then a queue not running here is an error).
`queue="*"` means every queue.
"""

from __future__ import annotations

from typing import Any

from trainer.errors import ArgumentError
from trainer.jobs.options import check_queue
from trainer.jobs.runtime.config import check_limit
from trainer.jobs.runtime.instance import Instance


class QueueControl:
    _instance: Instance | None

    def _running(self, action: str) -> Instance:
        if self._instance is None or not self._instance.running:
            raise ArgumentError(f"{action} needs a started Oban: call oban.start() first "
                                "(a testing mode runs no queue, so none can be controlled)")
        return self._instance

    def pause_queue(self, *, queue: str, local_only: bool = False) -> None:
        """Stop fetching jobs of the queue; jobs running now finish."""
        self._control("pause_queue", "pause", queue, local_only)

    def resume_queue(self, *, queue: str, local_only: bool = False) -> None:
        """Fetch jobs of a paused queue again."""
        self._control("resume_queue", "resume", queue, local_only)

    def scale_queue(self, *, queue: str, limit: int, local_only: bool = False) -> None:
        """Run up to `limit` jobs of the queue at once (lowering it stops no running job)."""
        self._control("scale_queue", "scale", queue, local_only, limit=check_limit(limit))

    def start_queue(self, *, queue: str, limit: int, paused: bool = False,
                    local_only: bool = False) -> None:
        """Start running a queue that is not in `queues=`."""
        if not isinstance(paused, bool):
            raise ArgumentError(f"paused must be True or False, got {paused!r}")
        self._control("start_queue", "start", queue, local_only, limit=check_limit(limit),
                      paused=paused)

    def stop_queue(self, *, queue: str, local_only: bool = False) -> None:
        """Stop a queue gracefully (waiting up to shutdown_grace_period for its jobs)."""
        self._control("stop_queue", "stop", queue, local_only)

    def check_queue(self, *, queue: str) -> dict[str, Any] | None:
        """The queue as it runs here: limit, paused, node, started_at and the ids of the
        jobs running now; None when it does not run in this instance."""
        check_queue(queue)
        producer = self._running("check_queue").producer(queue)
        return producer.check() if producer is not None else None

    def _control(self, name: str, action: str, queue: str, local_only: bool,
                 **extra: Any) -> None:
        if queue != "*":
            check_queue(queue)
        if not isinstance(local_only, bool):
            raise ArgumentError(f"local_only must be True or False, got {local_only!r}")
        self._running(name).control(action, queue, local_only, **extra)
