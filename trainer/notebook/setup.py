"""Setting up a kernel for a lesson: the database, `%%ipytest` cells, the status line."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from trainer.bootstrap import prepare
from trainer.db import Database, process
from trainer.notebook import display

LEFTOVER = re.compile(r"t_[0-9a-f]{32}\.py")


def start_lesson(folder: Path | None = None) -> str:
    """Start (or reuse) the database, make `%%ipytest` cells run with the trainer's
    fixtures, and return the status line to print."""
    sweep_ipytest_leftovers(folder or Path.cwd())
    database = prepare()
    configure_ipytest()
    configure_views()
    return database.status_line()


def lesson_database() -> Database:
    """This kernel's database, with a fresh server if the one it had stopped by itself."""
    return process.revive() or prepare()


def configure_ipytest() -> None:
    """Let `%%ipytest` cells run, and make a cell with a failing test raise, so that
    "Run All" and headless runs stop where something is wrong."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    import ipytest

    from trainer.notebook.quiet import ipytest_cell

    ipytest.autoconfig(
        # A failing cell raises all the same, quietly: see trainer.notebook.quiet.
        raise_on_error=False,
        addopts=[
            "-q",
            # A learner's cells never pick up the settings of some project's pytest
            # configuration found above the notebook's folder (this one's included).
            "-c", os.devnull,
            # Loading every installed pytest plugin takes more than a second on the first
            # test cell; the lesson needs only the trainer's own.
            "--disable-plugin-autoload", "-p", "no:cacheprovider", "-p", "trainer.plugin",
            "--color=no", "--tb=short",
            # No short summary: its lines name ipytest's temporary module.
            "-rN",
        ],
        coverage=False,
    )
    get_ipython().register_magic_function(ipytest_cell, "cell", "ipytest")


def configure_views() -> None:
    """HTML views of checks, jobs and drains in this notebook (see notebook.display)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        display.register(shell)


def sweep_ipytest_leftovers(folder: Path, older_than: float = 600.0) -> None:
    """ipytest runs each test cell from an empty file `t_<hex>.py` next to the notebook and
    removes it afterwards; a kernel killed mid-run leaves it behind. Remove old ones."""
    now = time.time()
    for path in folder.glob("t_*.py"):
        if LEFTOVER.fullmatch(path.name) and path.stat().st_size == 0 \
                and now - path.stat().st_mtime > older_than:
            path.unlink(missing_ok=True)
