"""Telemetry: named events with measurements and metadata, and the handlers attached to
them, as Oban emits them (in Oban's names, dotted: "oban.job.stop").

    def report(event, measurements, metadata):
        if event == "oban.job.exception" and metadata["attempt"] >= metadata["max_attempts"]:
            print("gave up on", metadata["worker"], metadata["error"])

    handler_id = attach(["oban.job.exception"], report)
    ...
    detach(handler_id)

Handlers run in the thread that emits the event (a queue's job thread, a plugin's),
before the job's outcome is recorded. A handler that raises is detached, and a warning
logged, as Erlang's telemetry does: one broken handler never breaks a job.
Measurements are in seconds (`duration`, `queue_time`, `elapsed`).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from trainer.errors import ArgumentError

Handler = Callable[[str, dict[str, Any], dict[str, Any]], object]

EVENTS = (
    "oban.job.start", "oban.job.stop", "oban.job.exception",
    "oban.plugin.start", "oban.plugin.stop", "oban.plugin.exception",
    "oban.queue.shutdown", "oban.peer.election",
)

log = logging.getLogger("trainer.telemetry")
_handlers: dict[str, tuple[frozenset[str], Handler]] = {}
_listened: frozenset[str] = frozenset()  # events some handler wants: a cheap check
_lock = threading.Lock()


def listening(event: str) -> bool:
    """Whether any handler wants this event (so its metadata is worth building)."""
    return event in _listened


def _relisten() -> None:
    global _listened
    _listened = frozenset(name for names, _ in _handlers.values() for name in names)


def attach(events: Iterable[str] | str, handler: Handler, *,
           handler_id: str | None = None) -> str:
    """Call `handler(event, measurements, metadata)` on each of these events; return the
    handler's id, for `detach`. Attaching an id that is attached already is refused."""
    names = [events] if isinstance(events, str) else list(events)
    unknown = [name for name in names if name not in EVENTS]
    if unknown or not names:
        raise ArgumentError(f"unknown telemetry event(s) {unknown or names!r}; "
                            f"known events: {', '.join(EVENTS)}")
    if not callable(handler):
        raise ArgumentError(f"handler must be callable(event, measurements, metadata), "
                            f"got {handler!r}")
    handler_id = handler_id or f"handler-{uuid.uuid4().hex[:8]}"
    with _lock:
        if handler_id in _handlers:
            raise ArgumentError(f"a telemetry handler with id {handler_id!r} is attached "
                                "already: detach it first")
        _handlers[handler_id] = (frozenset(names), handler)
        _relisten()
    return handler_id


def detach(handler_id: str) -> bool:
    """Stop calling the handler; False when no handler had that id."""
    with _lock:
        found = _handlers.pop(handler_id, None) is not None
        _relisten()
        return found


def attached() -> list[str]:
    with _lock:
        return sorted(_handlers)


def execute(event: str, measurements: dict[str, Any], metadata: dict[str, Any]) -> None:
    """Emit an event to every handler attached to it."""
    if event not in _listened:
        return
    with _lock:
        wanted = [(hid, h) for hid, (names, h) in _handlers.items() if event in names]
    for handler_id, handler in wanted:
        try:
            handler(event, measurements, metadata)
        except Exception:  # noqa: BLE001 - a handler must never break a job
            log.warning("telemetry handler %r raised on %s and was detached", handler_id,
                        event, exc_info=True)
            detach(handler_id)
