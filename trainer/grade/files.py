"""Reading what a learner controls, as the grader (often root): the notebook and the
grade log are opened once, never through a link, only when they are ordinary files, and
read up to a bound, so a link, a FIFO or /dev/zero under a lesson's name costs nothing."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_LOG_BYTES = 5 * 1024 * 1024


class NotAFile(Exception):
    """What is there is not an ordinary file the grader may read."""


@dataclass(frozen=True)
class Read:
    text: str
    uid: int  # the owner of the very file that was read


def read_bounded(path: Path, most: int) -> Read:
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the last part of the path is a link
            raise NotAFile(f"{path.name} is a link, not a notebook of the learner's own") \
                from None
        raise
    with os.fdopen(handle, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise NotAFile(f"{path.name} is not an ordinary file")
        if found.st_size > most:
            raise NotAFile(f"{path.name} is {found.st_size:,} bytes, more than the "
                           f"{most:,} a lesson notebook may be")
        data = file.read(most + 1)[:most]
    return Read(data.decode("utf-8", errors="replace"), found.st_uid)
