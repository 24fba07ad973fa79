"""JupyterLab, started for real, serves the lesson; kernels die and come back cleanly."""

from __future__ import annotations

import os
import signal
import time
import urllib.parse
import urllib.request

from jupyter_client.manager import KernelManager

from tests.conftest import ROOT, clean_env
from tests.kernels import run_cell
from tests.lab import running_lab
from trainer.db.servers.keeper import is_alive


def test_jupyterlab_serves_the_exercises(tmp_path):
    with running_lab(tmp_path) as lab:
        listing = lab.get("/api/contents/exercises")
        assert listing["type"] == "directory"
        names = [entry["name"] for entry in listing["content"]]
        assert "04_refunding_an_order.ipynb" in names
        notebook = lab.get("/api/contents/exercises/04_refunding_an_order.ipynb")
        assert notebook["content"]["cells"][1]["source"] == "from trainer.lesson import *"
        # It opens on the start page, and the solutions the hints point to open too.
        with urllib.request.urlopen(lab.url("/"), timeout=5) as response:
            assert urllib.parse.urlparse(response.geturl()).path == "/lab/tree/START_HERE.ipynb"
        start = lab.get("/api/contents/START_HERE.ipynb")
        assert "exercises/04_refunding_an_order.ipynb" in start["content"]["cells"][1]["source"]
        solution = lab.get("/api/contents/solutions/04_refunding_an_order.ipynb")
        assert solution["type"] == "notebook"


def _execute(client, code: str) -> str:
    """Run code in the kernel; return what it printed (raise on an error)."""
    printed, error = run_cell(client, code)
    if error:
        raise AssertionError(f"{error}:\n{printed}")
    return printed


def test_a_kernel_killed_three_times_leaves_no_server_and_the_lesson_still_works():
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=clean_env(), cwd=str(ROOT / "exercises"))
    servers = []
    try:
        for _ in range(3):
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            printed = _execute(client, "from trainer.lesson import *\n"
                                       "import trainer.db as d\n"
                                       "print(d.current().server.pid)\n"
                                       "with Repo.sandbox():\n"
                                       "    print(get_order(Repo.insert(Order(total=5)).id))")
            assert "ready (embedded" in printed
            assert "Order(id=" in printed
            servers.append(int(printed.splitlines()[1]))
            client.stop_channels()
            os.kill(manager.provisioner.pid, signal.SIGKILL)  # type: ignore[union-attr]
            manager.restart_kernel(now=True)
        deadline = time.monotonic() + 20
        while any(is_alive(pid) for pid in servers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in servers if is_alive(pid)], "a killed kernel left its server"
    finally:
        manager.shutdown_kernel(now=True)
