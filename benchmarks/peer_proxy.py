"""A peer's runner in its own interpreter: JSON commands in on stdin, JSON results out
on stdout, one line each (see `benchmarks/peers/protocol.py`)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from benchmarks.settings import ROOT
from benchmarks.venvs import VENV_ROOT, Peer


class PeerRunner:
    def __init__(self, peer: Peer, python: Path, url: str) -> None:
        self.name = peer.name
        self.log_path = VENV_ROOT / f"{peer.folder}.log"
        self._log = open(self.log_path, "w")
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
               and not k.startswith("TRAINER_")}
        self.process = subprocess.Popen(
            [str(python), "-m", peer.runner, url], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_lines, daemon=True).start()
        try:
            hello = self._reply(timeout=120)
        except BaseException:
            self.close()
            raise
        self.version = f"{hello['version']} (Python {hello['python']})"

    def _read_lines(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")  # end of output: the runner is gone

    def _reply(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"{self.name}: no answer within {timeout:.0f} s") from None
        if not line:
            raise RuntimeError(f"{self.name} runner exited; its log ({self.log_path}) "
                               f"ends with: {self._log_tail()}")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"{self.name}: {reply['error']}")
        return reply

    def _log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-600:]

    def run(self, op: str, jobs: int) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, "jobs": jobs}) + "\n")
        self.process.stdin.flush()
        return self._reply(timeout=900)

    def close(self) -> None:
        try:
            if self.process.poll() is None and self.process.stdin is not None:
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            self._log.close()
