"""Stops an embedded PostgreSQL server when the process that started it goes away.

Run as a separate process whose stdin is a pipe held open by the owner. When the owner
exits, however it exits (even SIGKILL), the kernel closes the pipe, the read below
returns, and the server is stopped and its folder removed. Standard library only, so it
starts quickly; it must not import the trainer package.

Usage: python keeper.py SERVER_DIR (or `start_keeper(server_dir)` from the trainer)
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

# Keepers this process started: a forked child closes its copies of their pipes, or it
# would keep its parent's server alive for as long as it lives.
_started: "list[subprocess.Popen[bytes]]" = []


def start_keeper(server_dir: Path) -> "subprocess.Popen[bytes]":
    """A keeper for `server_dir`: it acts when this process exits, or on `release`."""
    process = subprocess.Popen(
        [sys.executable, "-I", os.path.abspath(__file__), str(server_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _started.append(process)
    return process


def release(process: "subprocess.Popen[bytes]") -> None:
    """Let the keeper act now (stop the server, remove its folder) and wait for it."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process in _started:
        _started.remove(process)


def _close_pipes_in_child() -> None:
    for process in _started:
        if process.stdin is not None:
            process.stdin.close()
    _started.clear()


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited already; it only waits for its parent to collect it.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stop_server(data_dir: Path) -> None:
    """Fast shutdown, then immediate shutdown, then kill: never leave a server behind."""
    pid = postmaster_pid(data_dir)
    if pid is None or not is_alive(pid):
        return
    for sig, wait_seconds in ((signal.SIGINT, 10.0), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if not is_alive(pid):
                return
            time.sleep(0.02)


def main() -> None:
    server_dir = Path(sys.argv[1])
    # Ignore the signals a notebook sends to interrupt a cell: only the pipe decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.buffer.read()
    stop_server(server_dir / "data")
    shutil.rmtree(server_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
else:
    os.register_at_fork(after_in_child=_close_pipes_in_child)
