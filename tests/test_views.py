"""The notebook views: a check's checklist, jobs and drain results as HTML (with plain
text beside them for consoles), times relative to now; plain-text failures of the testing
helpers show relative times too."""

from __future__ import annotations

import copy
import queue
import time
from datetime import datetime, timedelta

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from tests.conftest import ROOT
from trainer.clock import relative
from trainer.jobs import Worker
from trainer.testing import assert_enqueued


def _run(cells: list[str]) -> list[dict]:
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    run = copy.deepcopy(notebook)
    NotebookClient(run, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "exercises")}}).execute()
    return [next((o.data for o in cell.outputs if o.output_type == "execute_result"), {})
            for cell in run.cells]


def test_a_check_is_an_html_checklist_with_green_ticks_and_red_crosses():
    outputs = _run([
        "from trainer.lesson import *",
        "class Refunder(Worker):\n    def perform(self, job):\n        return None",
        'check("worker")',
    ])
    data = outputs[-1]
    page = data["text/html"]
    assert 'class="trainer-check"' in page
    assert '<span style="color:#1a7f37;font-weight:bold">✓</span> A worker class named ' \
           'Refunder exists' in page
    assert '<span style="color:#cf222e;font-weight:bold">✗</span> A refund the payment ' \
           'provider rejects (total 99) fails' in page
    assert "2 of 3" in page and "Hint 1:" in page and "background:#fff8c5" in page
    assert data["text/plain"].startswith("Self-check: worker")  # the plain form beside it


def test_jobs_and_drains_are_tables_with_relative_times():
    outputs = _run([
        "from trainer.lesson import *",
        "class Mailer(Worker):\n    def perform(self, job):\n        return None",
        "oban = Oban()\n[oban.insert(Mailer.new({'to': 'ana'}, schedule_in=600)), "
        "oban.insert(Mailer.new({'to': 'ben'}))]",
        "oban.get_job(1)",
        "oban.drain_queue(queue='default')",
        "[1, 2]",
    ])
    jobs, job, drain, numbers = outputs[-4:]
    assert 'class="trainer-jobs"' in jobs["text/html"]
    assert "due in 10 min" in jobs["text/html"] and "Mailer" in jobs["text/html"]
    assert "0 of 20" in jobs["text/html"]
    assert 'class="trainer-jobs"' in job["text/html"]
    assert 'class="trainer-drain"' in drain["text/html"]
    assert "<strong>1</strong> success" in drain["text/html"]
    assert "text/html" not in numbers  # other lists stay plain


@pytest.mark.parametrize(("offset", "expected"), [
    (0.2, "now"), (30, "in 30 s"), (-3, "3 s ago"), (600, "in 10 min"),
    (-7200, "2 h ago"), (3 * 86400, "in 3 days"),
])
def test_relative_times_read_plainly(offset, expected):
    now = datetime(2030, 1, 1, 12, 0)
    assert relative(now + timedelta(seconds=offset), now) == expected


class Courier(Worker):
    def perform(self, job):
        return None


def test_an_assert_enqueued_failure_shows_relative_times(oban):
    oban.insert(Courier.new({"to": "ana"}, schedule_in=600))
    with pytest.raises(AssertionError) as caught:
        assert_enqueued(worker=Courier, scheduled_in=60)
    message = str(caught.value)
    assert "(in 1 min" in message and "(in 10 min)" in message


def test_a_job_table_gives_the_date_only_when_it_is_not_today():
    from datetime import UTC, datetime, timedelta

    from trainer.notebook.display import _when

    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    assert _when(now - timedelta(seconds=3), now).endswith(">(11:59:57)</span>")
    assert _when(now + timedelta(days=2), now).endswith(">(2026-12-03 12:00:00)</span>")
    assert _when(None, now) == ""


def test_watch_jobs_keeps_a_table_below_the_cell_up_to_date_then_stops():
    """A running queue in a real kernel, watched: the table updates in place (one display
    id) until the job shows completed, then says it stopped."""
    from tests.kernels import kernel, run_cell

    with kernel() as (_, client):
        run_cell(client, "from trainer.lesson import *")
        run_cell(client, "class Napper(Worker):\n    def perform(self, job):\n"
                         "        import time; time.sleep(0.3)\n"
                         "oban = Oban(queues={'default': 1}).start()")
        msg_id = client.execute("watch_jobs(seconds=2, every=0.1)\n"
                                "job = oban.insert(Napper.new({'n': 1}))")
        shown: list[tuple[str, str, str]] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (shown and "stopped" in shown[-1][2]):
            try:
                message = client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if message["msg_type"] in ("display_data", "update_display_data"):
                content = message["content"]
                shown.append((message["msg_type"], content["transient"]["display_id"],
                              content["data"].get("text/html", "")))
        run_cell(client, "oban.stop()")
    assert msg_id and shown[0][0] == "display_data"
    assert len({display_id for _, display_id, _ in shown}) == 1  # one table, updated
    pages = [page for _, _, page in shown]
    assert any("executing" in page for page in pages)
    assert "completed" in pages[-1] and "stopped watching" in pages[-1]


def test_watch_jobs_refuses_bad_durations_and_filters_in_the_cell(repo):
    from trainer.errors import OptionError, TrainerError
    from trainer.notebook.watch import watch_jobs

    with pytest.raises(OptionError, match="seconds=0 is not allowed"):
        watch_jobs(seconds=0)
    with pytest.raises(OptionError, match="every=True is not allowed"):
        watch_jobs(every=True)
    with pytest.raises(TrainerError, match="colour"):
        watch_jobs(colour="red")
