"""`%%ipytest` cells that fail quietly: the pytest report, then one short line.

ipytest's own magic raises an error whose IPython traceback box is louder than the
report above it. Here the cell ends with `TestsFailed`, whose traceback is one line
("2 of 3 tests failed."): the cell still counts as failed for Run All and headless runs.
"""

from __future__ import annotations

from trainer.errors import TrainerError
from trainer.plugin import last_session


class TestsFailed(TrainerError):
    """Some tests of a `%%ipytest` cell did not pass: the report above says which, and why."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def _render_traceback_(self) -> list[str]:
        return [str(self)]  # IPython shows these lines instead of a traceback


def summary(exit_code: int) -> str:
    collected, failed = last_session.get("collected", 0), last_session.get("failed", 0)
    if exit_code == 5 or collected == 0:
        return "No test ran: write a function whose name starts with test_ in this cell."
    if failed:
        return f"{failed} of {collected} test{'s' if collected != 1 else ''} failed."
    return "The tests could not run: the report above says why."


def ipytest_cell(line: str, cell: str) -> None:
    """The `%%ipytest` cell magic: ipytest's own, then one line when something failed."""
    __tracebackhide__ = True
    import ipytest
    from ipytest._impl import ipytest_magic  # ipytest's %%ipytest (0.14.2), wrapped here
    from IPython import get_ipython

    # ipytest runs the cell's code as a cell of its own, which IPython numbers with the
    # *next* execution count; this cell's own number makes tracebacks say "Cell In[4]"
    # for the cell whose prompt reads [4].
    shell = get_ipython()
    shell.execution_count -= 1
    try:
        ipytest_magic(line, cell)
    finally:
        shell.execution_count += 1
    if ipytest.exit_code not in (0, None):
        raise TestsFailed(summary(ipytest.exit_code))
