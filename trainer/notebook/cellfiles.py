"""Where a test cell's module file goes while its tests run.

ipytest (0.14.2) gives each `%%ipytest` run an empty module file `t_<hex>.py`, made in the
current folder: the notebook's, where it flashes in JupyterLab's file browser and stays
behind when the kernel is killed mid-run. Here the file is made in a folder of this
kernel's own (mode 0700), removed when the kernel exits, or by the next kernel to start
when this one was killed.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trainer.db.servers.keeper import is_alive

PREFIX = "trainer-cells-"
_folder: Path | None = None


def cell_folder() -> Path:
    """This process's folder for cell modules, made on first use."""
    global _folder
    if _folder is None or not _folder.is_dir():
        _sweep_killed()
        _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        atexit.register(_remove, _folder, os.getpid())
    return _folder


def _sweep_killed() -> None:
    """Remove the folders of this user's kernels that died without cleaning up."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        try:
            mine = folder.lstat().st_uid == os.getuid() and folder.is_dir()
        except OSError:
            continue
        if mine and pid.isdigit() and not is_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _remove(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # a forked child that exits must not take its parent's folder
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def module_path() -> Iterator[Path]:
    """ipytest's `random_module_path`, in the kernel's folder instead of the current one."""
    path = cell_folder() / f"t_{uuid.uuid4().hex}.py"
    path.write_text("")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def install() -> None:
    """Make ipytest's runs use `module_path` (it looks the function up at each run)."""
    import ipytest._impl

    ipytest._impl.random_module_path = module_path


def cell_label(filename: str) -> str:
    """`Cell In[4]` for the file IPython compiled the notebook's 4th run into (the name its
    own tracebacks use); any other file name as it is."""
    try:
        from IPython import get_ipython
    except ImportError:
        return filename
    shell = get_ipython()
    named = shell.compile.format_code_name(filename) if shell is not None else None
    return " ".join(named) if named else filename
