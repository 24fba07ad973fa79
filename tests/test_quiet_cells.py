"""A failing `%%ipytest` cell, as a learner sees it: the pytest report, then one short line
(no IPython traceback box, no temporary module name), and the cell still fails."""

from __future__ import annotations

import copy

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from tests.conftest import ROOT

FAILING = '''%%ipytest

def test_passes():
    assert 1 + 1 == 2

def test_fails():
    assert 1 + 1 == 3

def test_fails_too():
    assert_enqueued(worker=Worker)
'''


def _outputs(cells: list[str]) -> list[list[dict]]:
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    run = copy.deepcopy(notebook)
    NotebookClient(run, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "exercises")}}).execute()
    return [cell.outputs for cell in run.cells]


def test_a_failing_cell_shows_the_report_and_one_short_line():
    _, outputs = _outputs(["from trainer.lesson import *", FAILING])
    errors = [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert len(errors) == 1
    assert errors[0].ename == "TestsFailed"
    assert errors[0].traceback == ["2 of 3 tests failed."]
    assert "test_fails" in printed and "2 failed, 1 passed" in printed
    assert "run_cell_magic" not in printed and "ipytest failed" not in printed
    # Nothing of pytest's about the trainer's modules, and none of the trainer's frames:
    # the learner's line, then the message.
    assert "warning" not in printed.lower()
    assert "trainer/" not in printed
    assert "assert_enqueued(worker=Worker)\nE   AssertionError: Expected a job" in printed
    # Frames are named as IPython names them, by the cell's prompt number: the test cell
    # is the second cell run.
    assert "Cell In[2]:5: in test_fails\n" in printed and "ipykernel" not in printed
    assert "t_" not in "".join(line for line in printed.splitlines()
                               if line.startswith(("FAILED", "ERROR")))
    assert not [line for line in printed.splitlines() if line.startswith("FAILED")]


def test_a_passing_cell_raises_nothing_and_a_cell_with_no_test_says_so():
    _, passing, empty = _outputs(["from trainer.lesson import *",
                                  "%%ipytest\n\ndef test_fine():\n    pass\n",
                                  "%%ipytest\n\nx = 1\n"])
    assert not [o for o in passing if o.output_type == "error"]
    [error] = [o for o in empty if o.output_type == "error"]
    assert error.traceback == ["No test ran: write a function whose name starts with test_ "
                               "in this cell."]


WHERE = """%%ipytest

import os
from pathlib import Path

def test_where_the_cell_module_is():
    here = Path(__file__)
    globals()["CELL_FOLDER"] = str(here.parent)
    assert here.exists() and here.parent != Path.cwd()
    assert not [name for name in os.listdir(".") if name.startswith("t_")]
"""


def test_a_test_cell_makes_no_file_beside_the_notebook():
    """ipytest's module file for the run goes in the kernel's own folder (mode 0700), which
    goes when the kernel does: nothing flashes in, or stays in, the notebook's folder. A
    killed kernel's folder is removed by the next kernel's first test cell."""
    import os
    import stat
    from pathlib import Path

    from tests.kernels import kernel, run_cell

    def cell_folder(client) -> Path:
        run_cell(client, "from trainer.lesson import *")
        printed, error = run_cell(client, WHERE)
        assert error == "", printed
        printed, _ = run_cell(client, "print(CELL_FOLDER)")
        return Path(printed.strip())

    before = sorted(os.listdir(ROOT / "exercises"))
    with kernel(now=False) as (_, client):
        folder = cell_folder(client)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert os.listdir(folder) == []  # each run's file goes when the run ends
    assert not folder.exists()
    with kernel(now=True) as (_, client):
        killed = cell_folder(client)
    assert killed.exists()
    with kernel(now=False) as (_, client):
        last = cell_folder(client)
        assert last != killed and not killed.exists()
    assert not last.exists()
    assert sorted(os.listdir(ROOT / "exercises")) == before


def test_a_your_turn_message_comes_in_lines_a_browser_need_not_break():
    import pytest

    from trainer.notebook.stubs import WIDTH, YourTurn, your_turn

    with pytest.raises(YourTurn) as raised:
        your_turn("insert two refund jobs for order 1 with different reasons, then check "
                  "that only one is enqueued.")
    printed = raised.exconly()  # what pytest shows after "E   "
    assert printed.startswith("trainer.notebook.stubs.YourTurn: Your turn! insert two")
    assert all(len(line) <= WIDTH for line in printed.splitlines()), printed
    assert " ".join(printed.split()).endswith("then run the cell again.")
