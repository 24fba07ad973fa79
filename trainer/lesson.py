"""Everything the refund lesson uses, in one line: `from trainer.lesson import *`.

Importing this module starts PostgreSQL (or reuses this kernel's server), brings the
schema up to date, makes `%%ipytest` cells run their tests with the trainer's fixtures,
and prints one line saying which database is in use.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

from trainer.bootstrap import prepare
from trainer.checks import check
from trainer.chow_mojo import Order, RefundError, get_order, refund_order
from trainer.jobs import INFINITY, Cancel, Discard, Error, Job, JobState, Oban, Snooze, Worker
from trainer.repo import Repo, utcnow
from trainer.stubs import YourTurn, your_turn
from trainer.testing import ANY, all_enqueued, assert_enqueued, perform_job, refute_enqueued

__all__ = [
    "ANY", "INFINITY", "Cancel", "Discard", "Error", "Job", "JobState", "Oban", "Order",
    "RefundError", "Repo", "Snooze", "Worker", "YourTurn", "all_enqueued", "assert_enqueued",
    "check", "datetime", "get_order", "perform_job", "refund_order", "refute_enqueued",
    "timedelta", "utcnow", "your_turn",
]


def _configure_ipytest() -> None:
    """Let `%%ipytest` cells run, and make a cell with a failing test raise, so that
    "Run All" and headless runs stop where something is wrong."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    import ipytest

    # Loading every installed pytest plugin takes more than a second on the first test
    # cell; the lesson needs only the trainer's own.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    ipytest.autoconfig(
        raise_on_error=True,
        # `-c os.devnull`: a learner's cells never pick up the settings of some project's
        # pytest configuration found above the notebook's folder (this one's included).
        addopts=["-q", "-c", os.devnull, "-p", "no:cacheprovider", "-p", "trainer.plugin",
                 "--color=no", "--tb=short"],
        coverage=False,
    )


def _sweep_ipytest_leftovers(folder: Path, older_than: float = 600.0) -> None:
    """ipytest runs each test cell from an empty file `t_<hex>.py` next to the notebook and
    removes it afterwards; a kernel killed mid-run leaves it behind. Remove old ones."""
    now = time.time()
    for path in folder.glob("t_*.py"):
        if LEFTOVER.fullmatch(path.name) and path.stat().st_size == 0 \
                and now - path.stat().st_mtime > older_than:
            path.unlink(missing_ok=True)


LEFTOVER = re.compile(r"t_[0-9a-f]{32}\.py")
_sweep_ipytest_leftovers(Path.cwd())
_database = prepare()
_configure_ipytest()
print(_database.status_line())
