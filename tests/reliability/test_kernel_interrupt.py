"""Interrupting a kernel in the middle of a drain, as a learner presses the stop button
on a cell whose perform hangs: no job is left executing, and the lesson goes on."""

from __future__ import annotations

import json
import time

import psycopg
from jupyter_client.manager import KernelManager

from tests.conftest import ROOT, clean_env

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


def _run(client, code: str, timeout: float = 120) -> tuple[str, str]:
    """Run a cell; return (what it printed, the error's name or "")."""
    msg_id = client.execute(code)
    printed, error = [], ""
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind == "error":
            error = content["ename"]
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(printed), error


def _last_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


def test_interrupting_a_hanging_drain_leaves_no_job_executing():
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=clean_env(), cwd=str(ROOT / "exercises"))
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        printed, error = _run(client, SETUP)
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
        interrupted = ""
        while True:
            message = client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "error":
                interrupted = message["content"]["ename"]
            if message["msg_type"] == "status" and \
                    message["content"]["execution_state"] == "idle":
                break
        assert interrupted == "KeyboardInterrupt"

        printed, error = _run(client, STATES)
        assert not error, printed
        # The hanging job had its one attempt: discarded, with the interruption as its
        # error; the two the drain had taken and not started are back, untouched.
        assert _last_json(printed) == [[1, "discarded", 1], [2, "available", 0],
                                       [3, "available", 0]]
        printed, error = _run(client, 'print(oban.drain_queue(queue="hang").success)')
        assert (printed.strip(), error) == ("2", "")
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
