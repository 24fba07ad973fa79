"""Faults a learner meets in a live kernel: interrupting a drain whose perform hangs (no
job is left executing), and the lesson's server dying under the kernel (a fresh one is
started, and the kernel says so; the lesson goes on)."""

from __future__ import annotations

import json
import os
import signal
import time

import psutil
import psycopg

from tests.kernels import kernel, outcome, run_cell

SETUP = """
from trainer.lesson import *
import json, time
import trainer.db

class Hanging(Worker, queue="hang", max_attempts=1,
              unique={"keys": ["id"], "period": INFINITY, "states": Job.states()}):
    def perform(self, job):
        if job.args["id"] == 1:
            time.sleep(60)

oban = Oban()
oban.insert_all([Hanging.new({"id": n}) for n in (1, 2, 3)])
print(json.dumps({"conninfo": trainer.db.current().conninfo}))
"""

STATES = """
print(json.dumps([[job.args["id"], job.state, job.attempt]
                  for job in sorted(oban.list_jobs(queue="hang"), key=lambda j: j.id)]))
"""


def _last_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


def test_interrupting_a_hanging_drain_leaves_no_job_executing():
    with kernel() as (manager, client):
        printed, error = run_cell(client, SETUP)
        assert not error, printed
        conninfo = _last_json(printed)["conninfo"]

        msg_id = client.execute('oban.drain_queue(queue="hang")')
        with psycopg.connect(conninfo, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while not watcher.execute("SELECT 1 FROM oban_jobs WHERE queue = 'hang' "
                                      "AND state = 'executing'").fetchall():
                assert time.monotonic() < deadline, "the drain never started"
                time.sleep(0.05)
        time.sleep(0.3)  # well inside the hanging perform
        manager.interrupt_kernel()
        assert outcome(client, msg_id, timeout=60)[1] == "KeyboardInterrupt"

        printed, error = run_cell(client, STATES)
        assert not error, printed
        # The hanging job had its one attempt: discarded, with the interruption as its
        # error; the two the drain had taken and not started are back, untouched.
        assert _last_json(printed) == [[1, "discarded", 1], [2, "available", 0],
                                       [3, "available", 0]]
        printed, error = run_cell(client, 'print(oban.drain_queue(queue="hang").success)')
        assert (printed.strip(), error) == ("2", "")


def _kill_server(client) -> None:
    printed, error = run_cell(client, "import trainer.db\nprint(trainer.db.current().server.pid)")
    assert not error, printed
    pid = int(printed.strip().splitlines()[-1])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the server did not die"
        time.sleep(0.05)


def test_a_server_that_dies_under_a_live_kernel_is_replaced_and_the_lesson_goes_on():
    with kernel() as (_, client):
        printed, error = run_cell(client, "from trainer.lesson import *\n"
                                      "print(Repo.insert(Order(total=5)).id)")
        assert not error and "ready (embedded" in printed, printed

        _kill_server(client)
        # The operation that meets the dead connection says so...
        printed, error = run_cell(client, "get_order(1)")
        assert error == "DatabaseConnectionLost"
        # ...and the next one starts a fresh server, says what that means, and works.
        printed, error = run_cell(client, "print(get_order(1))")
        assert not error, printed
        assert "had stopped, so a fresh one was started" in printed
        assert "ready (embedded" in printed and "None" in printed.splitlines()
        printed, error = run_cell(client, "print(Repo.insert(Order(total=7)).id)")
        assert (printed.strip(), error) == ("1", "")

        # Running the first cell again finds the server running, and says nothing more...
        printed, error = run_cell(client, "from trainer.lesson import *")
        assert (printed, error) == ("", "")
        # ...or, after another death, starts a fresh one there and then.
        _kill_server(client)
        printed, error = run_cell(client, "from trainer.lesson import *")
        assert not error and "a fresh one was started" in printed, printed
        printed, error = run_cell(client, "print(Repo.all(Order))")
        assert (printed.strip(), error) == ("[]", "")
        # Its dynamic shared memory lives in files of its own data folder, not in
        # /dev/shm: a killed server leaves no segment behind there.
        printed, error = run_cell(client, 'print(Repo.query("SHOW dynamic_shared_memory_type"))')
        assert (printed.strip(), error) == ("[{'dynamic_shared_memory_type': 'mmap'}]", "")
