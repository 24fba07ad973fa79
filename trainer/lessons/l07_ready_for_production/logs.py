"""What a check gives a learner's test that asks for pytest's `caplog`: the same records,
through the same calls (`records`, `messages`, `text`, `record_tuples`, `set_level`,
`at_level`, `clear`), captured while the test runs and taken away after it, levels
restored."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Handler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=0)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LogCapture:
    """pytest's LogCaptureFixture, as far as a lesson's tests use it."""

    def __init__(self) -> None:
        self.handler = _Handler()
        self._levels: dict[str | None, int] = {}  # logger name -> its level before

    @property
    def records(self) -> list[logging.LogRecord]:
        return self.handler.records

    def get_records(self, when: str = "call") -> list[logging.LogRecord]:
        return self.records if when == "call" else []

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]

    @property
    def text(self) -> str:
        return "".join(f"{r.levelname} {r.name}: {r.getMessage()}\n" for r in self.records)

    @property
    def record_tuples(self) -> list[tuple[str, int, str]]:
        return [(r.name, r.levelno, r.getMessage()) for r in self.records]

    def clear(self) -> None:
        self.handler.records.clear()

    def set_level(self, level: int | str, logger: str | None = None) -> None:
        target = logging.getLogger(logger)
        self._levels.setdefault(logger, target.level)
        target.setLevel(level)

    @contextmanager
    def at_level(self, level: int | str, logger: str | None = None) -> Iterator[None]:
        target = logging.getLogger(logger)
        before = target.level
        target.setLevel(level)
        try:
            yield
        finally:
            target.setLevel(before)

    def _restore(self) -> None:
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._levels.clear()


@contextmanager
def capturing() -> Iterator[LogCapture]:
    """A LogCapture listening on the root logger until the block ends."""
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture.handler)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
        capture._restore()


def caplog_provider(capture: LogCapture) -> Any:
    """A provider for `run_test` overrides: every test run gets this capture."""
    return lambda _repo: capture
