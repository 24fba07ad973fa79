"""Installing the job tables in a database, as Oban's `Oban.Migration.up/down` do:

    Migration.up(repo)                 # oban_jobs, oban_peers, the state enum: version 14
    Migration.migrated_version(repo)   # 14, or 0 when nothing is installed
    Migration.down(repo)               # all of it gone again

Oban reaches version 14 through thirteen earlier versions, its history; the trainer
installs version 14 in one step, and takes it away in one step.
"""

from __future__ import annotations

from trainer.db.migrate import migrate
from trainer.db.repo import Repo, Repository
from trainer.errors import ArgumentError
from trainer.jobs import queries

VERSION = 14


class Migration:
    @staticmethod
    def up(repo: Repository | None = None, *, version: int = VERSION) -> list[str]:
        """Install the job tables (if missing); return the migration files applied now."""
        _check_version("up", version, VERSION)
        return migrate(_repo(repo), [queries.MIGRATIONS])

    @staticmethod
    def down(repo: Repository, *, version: int = 1) -> bool:
        """Remove the job tables and every job in them; False when there were none.

        Never on the lesson's own database (trainer.Repo): the lessons need its tables."""
        _check_version("down", version, 1)
        if repo is None or repo is Repo:
            raise ArgumentError("Migration.down() takes the job tables away, so it is never "
                                "run on the lesson's database: give it a database of your "
                                "own, e.g. Migration.down(new_database('my_oban'))")
        target = _repo(repo)
        if Migration.migrated_version(target) == 0:
            return False
        with target.transaction() as conn:
            conn.execute(queries.load("uninstall"))
        return True

    @staticmethod
    def migrated_version(repo: Repository | None = None) -> int:
        """The installed version (14), or 0 when the job tables are not there."""
        [row] = _repo(repo).query(queries.load("migrated_version"))
        return int(row["version"]) if row["version"] else 0


def _repo(repo: Repository | None) -> Repository:
    if repo is not None and not isinstance(repo, Repository):
        raise ArgumentError(f"repo must be a Repository such as new_database('my_oban') "
                            f"gives, got {repo!r}")
    return repo or Repo


def _check_version(direction: str, version: object, only: int) -> None:
    if version != only or isinstance(version, bool):
        meaning = "install version 14" if direction == "up" else "remove everything"
        raise ArgumentError(
            f"Migration.{direction}(version={version!r}): the trainer's migrations have one "
            f"step, so version={only} ({meaning}) is the one allowed; Oban's versions 1 to "
            "13 are its history, and version 14 is where they end")
