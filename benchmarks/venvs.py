"""The peers' virtual environments: installed from PyPI by the benchmark, once, under
`.venv-bench/<peer>`, and reused while the pinned requirements stay the same."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.settings import ROOT

VENV_ROOT = ROOT / ".venv-bench"
PSYCOPG = "psycopg[binary]==3.3.9"  # the trainer's own driver, so all three speak alike


@dataclass(frozen=True)
class Peer:
    name: str                     # as printed in the table
    folder: str                   # under .venv-bench/
    requirements: tuple[str, ...]
    runner: str                   # the module the peer's interpreter runs
    python: tuple[int, int]       # the oldest Python it installs on


PEERS = (
    Peer("procrastinate", "procrastinate", ("procrastinate==3.10.0", PSYCOPG),
         "benchmarks.peers.procrastinate_runner", (3, 11)),
    Peer("oban-py", "oban", ("oban==0.7.0", PSYCOPG), "benchmarks.peers.oban_runner", (3, 12)),
)


class Skipped(Exception):
    """This peer cannot run here; the message says why."""


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    if done.returncode != 0:
        return None  # e.g. a pyenv shim with no such version selected
    major, minor = done.stdout.split()
    return int(major), int(minor)


def find_python(oldest: tuple[int, int]) -> str:
    """A working interpreter at least `oldest`: ours, then python3.12 and later on PATH,
    then pyenv's installed versions (its python3.12 shim fails unless one is selected)."""
    if sys.version_info[:2] >= oldest:
        return sys.executable
    names = [f"python3.{minor}" for minor in range(oldest[1], 16)]
    candidates = [found for name in names if (found := shutil.which(name))]
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.*/bin/python3"))
    for candidate in candidates:
        version = _version_of(candidate)
        if version is not None and version >= oldest:
            return candidate
    wanted = f"python{oldest[0]}.{oldest[1]}"
    raise Skipped(f"needs Python {oldest[0]}.{oldest[1]}+: no working {wanted} or newer "
                  f"(tried {', '.join(candidates) or 'nothing on PATH'})")


def ensure_venv(peer: Peer) -> Path:
    """The peer's interpreter, its environment made first when missing or out of date."""
    base = find_python(peer.python)
    folder = VENV_ROOT / peer.folder
    python = folder / "bin" / "python"
    stamp = folder / ".bench-stamp"
    wanted = json.dumps({"python": base, "requirements": peer.requirements})
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(folder, ignore_errors=True)
    print(f"bench: installing {' '.join(peer.requirements)} into {folder}", file=sys.stderr)
    steps = [[base, "-m", "venv", str(folder)],
             [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              *peer.requirements]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise Skipped(f"could not install it ({' '.join(step[:4])}...): "
                          f"{done.stderr.strip()[-300:]}")
    stamp.write_text(wanted)
    return python
