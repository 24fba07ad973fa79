"""Driving a real Jupyter kernel from a test, as JupyterLab would: start one, run cells,
read what they printed and which error they raised."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jupyter_client.manager import KernelManager

from tests.conftest import ROOT, clean_env


@contextmanager
def kernel(now: bool = True) -> Iterator[tuple[KernelManager, Any]]:
    """A fresh kernel in the exercises folder, without Docker, and a client to it; shut
    down at the end by a kill (`now`) or by asking it, as JupyterLab does."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=clean_env(), cwd=str(ROOT / "exercises"))
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=now)


def outcome(client: Any, msg_id: str, timeout: float = 120) -> tuple[str, str]:
    """What the cell sent as `msg_id` printed, and its error's name ("" for none), once
    the kernel is idle again."""
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


def run_cell(client: Any, code: str, timeout: float = 120) -> tuple[str, str]:
    return outcome(client, client.execute(code), timeout)
