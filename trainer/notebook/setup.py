"""Setting up a kernel for a lesson: the database, `%%ipytest` cells, the status line."""

from __future__ import annotations

import os

from trainer.bootstrap import prepare
from trainer.db import Database, process
from trainer.notebook import display


def start_lesson() -> str:
    """Start (or reuse) the database, make `%%ipytest` cells run with the trainer's
    fixtures, and return the status line to print."""
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

    from trainer.notebook import cellfiles
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
    cellfiles.install()  # the cell's module file goes in a folder of the kernel's own
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

