"""JupyterLab started by the command `make lab` runs, on a port and a token of the test's
own, with settings and runtime files in a folder of the test's."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, clean_env, stop_process_group


@dataclass(frozen=True)
class Lab:
    port: int
    token: str

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}{path}{separator}token={self.token}"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url(path), timeout=5) as response:
            return json.load(response)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_lab(folder: Path) -> Iterator[Lab]:
    """`make lab`, answering on its contents API, stopped (with its kernels) at the end."""
    lab = Lab(_free_port(), secrets.token_hex(16))
    env = clean_env(JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
                    JUPYTER_CONFIG_DIR=str(folder / "config"),
                    JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
                    JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"))
    process = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_OPTIONS=--no-browser --ip=127.0.0.1 --port={lab.port} "
                               f"--IdentityProvider.token={lab.token}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode() \
                if process.stderr else "JupyterLab exited"
            try:
                lab.get("/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not answer within 60 s"
                time.sleep(0.2)
        yield lab
    finally:
        stop_process_group(process, timeout=20)
        if process.stderr:
            process.stderr.close()
