"""JupyterLab, started for real, serves the lesson; kernels die and come back cleanly."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request

from jupyter_client.manager import KernelManager

from tests.conftest import ROOT, clean_env
from tests.kernels import run_cell
from trainer.db.servers.keeper import is_alive


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_jupyterlab_serves_the_exercises(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    env = clean_env(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
                    JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    # The command `make lab` runs, with a port and a token of the test's own.
    lab = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_OPTIONS=--no-browser --ip=127.0.0.1 --port={port} "
                               f"--IdentityProvider.token={token}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents/exercises?token={token}"
        listing = None
        deadline = time.monotonic() + 60
        while listing is None and time.monotonic() < deadline:
            assert lab.poll() is None, lab.stderr.read().decode() if lab.stderr else ""
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(0.2)
        assert listing is not None, "JupyterLab did not answer within 60 s"
        assert listing["type"] == "directory"
        names = [entry["name"] for entry in listing["content"]]
        assert "04_refunding_an_order.ipynb" in names
        with urllib.request.urlopen(url.replace("/api/contents/exercises",
                                                "/api/contents/exercises/"
                                                "04_refunding_an_order.ipynb"),
                                    timeout=5) as response:
            notebook = json.load(response)
        assert notebook["content"]["cells"][1]["source"] == "from trainer.lesson import *"
        # It opens on the exercises, and the solutions the hints point to open too.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}",
                                    timeout=5) as response:
            assert "/lab/tree/exercises" in response.geturl()
        with urllib.request.urlopen(url.replace("/api/contents/exercises",
                                                "/api/contents/solutions/"
                                                "04_refunding_an_order.ipynb"),
                                    timeout=5) as response:
            assert json.load(response)["type"] == "notebook"
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(lab.pid, signal.SIGKILL)
                lab.wait()
        if lab.stderr:
            lab.stderr.close()


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
