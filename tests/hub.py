"""A real JupyterHub for tests: started with the repo's configuration (what `make hub`
runs) for local users made for the test, driven through its REST API with a service
token, and each learner's kernel driven over its websocket, as JupyterLab would."""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.conftest import IN_CI, ROOT, clean_env, stop_process_group

PROXY = ROOT / "classroom" / "node_modules" / ".bin" / "configurable-http-proxy"
CONFIG = ROOT / "classroom" / "jupyterhub_config.py"


def require_hub() -> None:
    import pytest

    problems = []
    if os.geteuid() != 0:
        problems.append("JupyterHub spawns local users' servers as root")
    if not PROXY.exists():
        problems.append("no configurable-http-proxy: run `cd classroom && npm ci`")
    if problems and IN_CI:
        pytest.fail("; ".join(problems) + " (.ci/run should have seen to it)")
    if problems:
        pytest.skip("; ".join(problems))


def free_ports(count: int) -> int:
    """A base port with `count` free ports after it (the Hub uses port, +1, +2)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + count >= 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


@contextmanager
def local_users(names: list[str], homes: Path) -> Iterator[None]:
    """Real local accounts, homes under `homes`; removed afterwards with their homes."""
    homes.mkdir(parents=True, exist_ok=True)
    os.chmod(homes, 0o755)
    try:
        for name in names:
            subprocess.run(["userdel", "-r", name], capture_output=True)
            subprocess.run(["useradd", "-m", "-d", str(homes / name), "-s", "/bin/sh", name],
                           check=True, capture_output=True)
        yield
    finally:
        for name in names:
            try:
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True)
            # The trainer's folders for the account (its kernels, graded as it, made them)
            # go too: the next account given this uid must find none.
            for base in (Path("/dev/shm"), Path(tempfile.gettempdir())):
                shutil.rmtree(base / f"trainer-{uid}", ignore_errors=True)


# What another account needs to run the trainer: the repo (its .venv) and the folder of
# the Python that venv was made from (perhaps under root's home).
TRAINER_FOLDERS = (ROOT, Path(os.path.realpath(sys.executable)).parent)


@contextmanager
def readable_by_others(*paths: Path) -> Iterator[None]:
    """The paths reachable by other accounts (the learners'): each folder on the way to
    them searchable by others while the test runs, and as it was afterwards."""
    changed = []
    for path in paths:
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if not mode & 0o001:
                os.chmod(folder, mode | 0o001)
                changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in reversed(changed):
            os.chmod(folder, mode)


@dataclass
class Hub:
    port: int
    token: str

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = requests.request(method, self.url(path), timeout=30, headers={
            "Authorization": f"token {self.token}"}, **kwargs)
        return response

    def spawn(self, user: str, timeout: float = 90) -> None:
        assert self.api("POST", f"/hub/api/users/{user}").status_code in (201, 409)
        started = self.api("POST", f"/hub/api/users/{user}/server")
        assert started.status_code in (201, 202), started.text
        deadline = time.monotonic() + timeout
        while True:
            model = self.api("GET", f"/hub/api/users/{user}").json()
            if model.get("servers", {}).get("", {}).get("ready"):
                return
            assert time.monotonic() < deadline, f"{user}'s server did not start: {model}"
            time.sleep(0.5)

    def put_notebook(self, user: str, path: str, notebook: dict[str, Any]) -> None:
        saved = self.api("PUT", f"/user/{user}/api/contents/{path}",
                         json={"type": "notebook", "format": "json", "content": notebook})
        assert saved.status_code in (200, 201), saved.text

    def run_notebook(self, user: str, notebook: dict[str, Any],
                     timeout: float = 120) -> list[str]:
        """Each code cell run in a new kernel of the user's server; what each printed
        (an error as `ERROR ename: evalue`)."""
        import websocket

        kernel = self.api("POST", f"/user/{user}/api/kernels", json={"name": "python3"})
        assert kernel.status_code == 201, kernel.text
        kernel_id = kernel.json()["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/user/{user}/api/kernels/{kernel_id}/channels",
            header=[f"Authorization: token {self.token}"], timeout=timeout)
        try:
            return [_execute(ws, cell["source"] if isinstance(cell["source"], str)
                             else "".join(cell["source"]), timeout)
                    for cell in notebook["cells"] if cell["cell_type"] == "code"]
        finally:
            ws.close()
            self.api("DELETE", f"/user/{user}/api/kernels/{kernel_id}")


def _execute(ws: Any, code: str, timeout: float) -> str:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
    }))
    printed: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            printed.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            printed.append(f"ERROR {content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(printed)
    raise TimeoutError(f"a cell did not finish within {timeout} s: {code[:60]!r}")


@contextmanager
def running_hub(state: Path, learners: list[str], secrets_file: Path) -> Iterator[Hub]:
    """`make hub`'s JupyterHub, stopped (with the servers it spawned) at the end."""
    hub = Hub(free_ports(3), secrets.token_hex(16))
    env = clean_env(TRAINER_HUB_LEARNERS=",".join(learners), TRAINER_HUB_STATE=str(state),
                    TRAINER_HUB_SECRETS=str(secrets_file), TRAINER_HUB_PORT=str(hub.port),
                    TRAINER_HUB_TOKEN=hub.token)
    log = (state / "hub.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)],
        cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (state / "hub.log").read_text()[-3000:]
            try:
                if hub.api("GET", "/hub/api/").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the Hub did not answer within 60 s"
            time.sleep(0.3)
        yield hub
    finally:
        stop_process_group(process, timeout=30)
        log.close()
