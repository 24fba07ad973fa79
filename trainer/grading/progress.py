"""Where this learner's checks last left each lesson: one small JSON file, written after
every self-check, read by the start page.

    {"4": {"worker": {"passed": true, "good": 3, "total": 3, "at": "2026-12-02T10:00:00"}}}

The file is `$TRAINER_PROGRESS`, else `progress.json` in the trainer's folder of the
user's data directory. A check never fails because the file cannot be written: the
learner's work matters more than the record of it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trainer.clock import utcnow

log = logging.getLogger("trainer.progress")
Progress = dict[str, dict[str, dict[str, Any]]]


def path() -> Path:
    chosen = os.environ.get("TRAINER_PROGRESS")
    if chosen:
        return Path(chosen)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "chowmojo-trainer" / "progress.json"


def load(where: Path | None = None) -> Progress:
    """Every lesson's steps as last checked; {} when nothing was checked yet (or the file
    is unreadable: it is only a record)."""
    try:
        found = json.loads((where or path()).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    # Only the shape written here survives: a hand-edited file loses its odd parts only.
    return {str(lesson): {str(step): result for step, result in steps.items()
                          if isinstance(result, dict)}
            for lesson, steps in found.items() if isinstance(steps, dict)}


def record(lesson: int, step: str, *, passed: bool, good: int, total: int,
           where: Path | None = None) -> bool:
    """Note one check's result; False (and a logged warning) when it could not be saved."""
    target = where or path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            progress = load(target)
            progress.setdefault(str(lesson), {})[step] = {
                "passed": passed, "good": good, "total": total,
                "at": utcnow().isoformat(timespec="seconds")}
            _write(target, progress)
    except OSError as error:
        log.warning("could not save this check's result in %s: %s", target, error)
        return False
    return True


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """One writer at a time, so two kernels checking at once both keep their result."""
    with open(target.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(target: Path, progress: Progress) -> None:
    """All or nothing: a full disk or a killed kernel leaves the old file whole."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".progress-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(progress, out, indent=1, sort_keys=True)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
