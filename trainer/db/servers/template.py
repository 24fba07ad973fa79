"""The data folder every embedded server starts from a copy of: made by initdb once, with
the trainer's database already created and migrated, so that no start spends time on it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer.db.servers import folders, keeper, postmaster
from trainer.db.servers.folders import run_as
from trainer.errors import DatabaseUnavailable

CLUSTER_LAYOUT = "w1d"  # change it when initdb's options change: a new template is made
TEMPLATE_BYTES = 48 * 1024 * 1024  # what initdb and the lesson database take, with room


@dataclass(frozen=True)
class Recipe:
    """How to fill a new template: `prepare(conninfo)` runs on its `postgres` database;
    `digest` changes whenever what `prepare` does changes."""

    digest: str
    prepare: Callable[[str], None]


def template_cluster(bin_dir: Path, user: str | None, recipe: Recipe) -> Path:
    """The template's data folder, made on first use for this wheel, layout and recipe."""
    name = f"cluster-{folders.wheel_version()}-{CLUSTER_LAYOUT}-{recipe.digest}"
    template = folders.cache_folder() / name
    if user is not None and not folders.reachable_by_others(template.parent):
        # initdb runs as the service user: it must be able to write where it works.
        template = folders.runtime_folder() / name
    with folders.FileLock(template.parent / "cluster.lock"):
        if (template / "data" / "PG_VERSION").exists():
            return template / "data"
        folders.check_room(template.parent, TEMPLATE_BYTES,
                           "prepare the embedded PostgreSQL server's template")
        partial = template.parent / f"{name}.partial"
        # Left by a start that was killed: never delete a folder under a running server.
        keeper.stop_server(partial / "data")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(mode=0o700)
        (partial / "data").mkdir(mode=0o700)
        if user is not None:
            folders.chown_tree(partial, user)
        result = subprocess.run(
            [str(bin_dir / "bin" / "initdb"), "-D", str(partial / "data"), "-U", "postgres",
             "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
             "--locale=C", "--no-sync", "--no-instructions",
             # 1 MB WAL segments instead of 16: the copy each server starts from shrinks
             # from 39 MB to 30 MB, and a start is mostly that copy.
             "--wal-segsize=1"],
            capture_output=True, text=True, check=False, **run_as(user),
        )
        if result.returncode != 0:
            raise DatabaseUnavailable(f"initdb failed for the embedded server:\n{result.stderr}")
        # A keeper stops this short-lived server too, should we be killed while it runs.
        guard = keeper.start_keeper(partial)
        sockets = partial
        try:
            sockets = _socket_folder(partial, user)
            server = postmaster.launch(bin_dir, partial, port=5432, tcp=False, user=user,
                                       socket_dir=sockets)
            try:
                recipe.prepare(postmaster.socket_conninfo(sockets, 5432))
            finally:
                postmaster.stop(server)
            partial.rename(template)
        finally:
            keeper.release(guard)
            if sockets != partial:
                shutil.rmtree(sockets, ignore_errors=True)
    return template / "data"


def _socket_folder(partial: Path, user: str | None) -> Path:
    """The template server's socket: beside it, unless that path is too long for a socket
    (a cache folder deep in a home folder), then in a private folder of the runtime's."""
    if postmaster.socket_fits(partial, 5432):
        return partial
    # In the runtime folder: short, and one the service user can reach.
    sockets = Path(tempfile.mkdtemp(prefix="template-", dir=folders.runtime_folder()))
    if user is not None:
        folders.chown_tree(sockets, user)
    return sockets
