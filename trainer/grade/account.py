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


def kernel_account(owner: int, folder: Path) -> Account | None:
    """The account to grade a notebook owned by `owner` under the learner's `folder`: when
    root grades, the owner's (root's own copies stay root's); else None (as me).
    NotGraded when the owner is not the folder's, or has no account."""
    if os.geteuid() != 0:
        return None
    learner = os.lstat(folder).st_uid
    if owner != learner:  # a file of someone else's, put or linked into a learner's folder
        raise NotGraded(f"not graded: the notebook belongs to uid {owner}, not to the owner "
                        f"of {folder.name}/ (uid {learner})")
    if owner == 0:
        return None
    try:
        entry = pwd.getpwuid(owner)
    except KeyError:  # never root instead; and PostgreSQL will not run as a bare uid
        raise NotGraded(f"not graded: its owner, uid {owner}, has no account here; give "
                        "the file to the learner's account (chown), or grade it as "
                        "yourself rather than as root") from None
    return Account(entry.pw_name, entry.pw_uid, entry.pw_gid, entry.pw_dir)


class NotGraded(Exception):
    """Root will not run this notebook: whose it is does not add up."""


def hand_over(folder: Path, account: Account) -> Path:
    """A folder inside `folder` for the kernel's own files (grade log, progress record),
    the account's. `folder` stays the grader's, so nothing the account does there can
    turn the connection file the grader writes into a link elsewhere."""
    os.chmod(folder, 0o711)
    work = folder / "kernel"
    work.mkdir(mode=0o700)
    os.chown(work, account.uid, account.gid)
    return work


class KernelFor(AsyncKernelManager):
    """A kernel manager whose connection file the kernel's account may read: the file is
    written (0600) by this process, then given to that account."""

    def __init__(self, account: Account | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._account = account

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self._account is not None:  # in the grader's own folder, 0600: the account's only
            os.chown(self.connection_file, self._account.uid, self._account.gid,
                     follow_symlinks=False)
