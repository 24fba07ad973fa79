"""Whose account a grading kernel runs under. A notebook is a learner's code: graded by
root (as on a Hub with local users, whose homes only root may read), it runs as the
notebook's owner, with the owner's rights and nothing more; graded by anyone else, it
runs as them."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str

    def popen(self) -> dict[str, Any]:
        """What subprocess.Popen needs to start the kernel as this account."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def env(self) -> dict[str, str]:
        return {"HOME": self.home, "USER": self.name, "LOGNAME": self.name}


def kernel_account(notebook: Path) -> Account | None:
    """The notebook's owner when root grades someone else's notebook; else None (as me).
    NoAccount when that owner has no account."""
    if os.geteuid() != 0:
        return None
    uid = notebook.stat().st_uid
    if uid == 0:
        return None
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:  # never root instead; and PostgreSQL will not run as a bare uid
        raise NoAccount(f"not graded: its owner, uid {uid}, has no account here; give the "
                        "file to the learner's account (chown), or grade it as yourself "
                        "rather than as root") from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir)


class NoAccount(Exception):
    """Root was asked to grade a notebook whose owner has no account."""


def hand_over(folder: Path, account: Account) -> None:
    """The grading folder (grade log, progress record, connection file) the kernel's."""
    os.chown(folder, account.uid, account.gid)


class KernelFor(AsyncKernelManager):
    """A kernel manager whose connection file the kernel's account may read: the file is
    written (0600) by this process, then given to that account."""

    def __init__(self, account: Account | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._account = account

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self._account is not None:
            os.chown(self.connection_file, self._account.uid, self._account.gid)
