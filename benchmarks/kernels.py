"""A Jupyter kernel driven the way JupyterLab drives it: start, run cells, shut down."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from jupyter_client.manager import KernelManager

from benchmarks.settings import ROOT


class Kernel:
    def __init__(self, manager: KernelManager) -> None:
        self.manager = manager
        self.client = manager.client()

    def execute(self, code: str) -> float:
        """Run one cell; return the seconds from the request to the kernel going idle.
        A cell that raises (a failing test in a `%%ipytest` cell does) raises here."""
        return self._run(code)[0]

    def output(self, code: str) -> str:
        """Run one cell; return what it printed."""
        return self._run(code)[1]

    def _run(self, code: str) -> tuple[float, str]:
        began = time.perf_counter()
        msg_id = self.client.execute(code)
        error = None
        printed = []
        while True:
            message = self.client.get_iopub_msg(timeout=300)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "stream" and content.get("name") == "stdout":
                printed.append(content["text"])
            elif kind == "status" and content["execution_state"] == "idle":
                seconds = time.perf_counter() - began
                break
        if error is not None:
            raise RuntimeError(f"the cell {code.splitlines()[0]!r}... raised {error}")
        return seconds, "".join(printed)


@contextmanager
def running_kernel(env: dict[str, str]) -> Iterator[Kernel]:
    """A fresh kernel in exercises/ (where `make lab` opens), stopped at the end."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=env, cwd=str(ROOT / "exercises"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kernel = None
    try:
        kernel = Kernel(manager)
        kernel.client.start_channels()
        kernel.client.wait_for_ready(timeout=120)
        yield kernel
    finally:
        if kernel is not None:
            kernel.client.stop_channels()
        manager.shutdown_kernel(now=True)
