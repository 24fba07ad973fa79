"""The instructor's commands for a class on one shared PostgreSQL server:

    python -m trainer.classroom provision --learners alice,bob [--admin-url URL] [--secrets F]
    python -m trainer.classroom drop --learners alice,bob     (or --all)

Both are safe to run twice. The administrator's URL comes from --admin-url or
TRAINER_ADMIN_URL; the learners' logins go to the secrets file (`classroom-secrets.json`
by default), readable by its owner only. Nothing secret is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import psycopg

from trainer.classroom import provision as classroom
from trainer.classroom.names import parse_learners
from trainer.errors import TrainerError

DEFAULT_SECRETS = "classroom-secrets.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.classroom", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("provision", "drop"))
    parser.add_argument("--learners", help="comma-separated names, e.g. alice,bob")
    parser.add_argument("--all", action="store_true", help="drop: every provisioned learner")
    parser.add_argument("--admin-url", default=os.environ.get("TRAINER_ADMIN_URL"))
    parser.add_argument("--secrets", type=Path, default=Path(DEFAULT_SECRETS),
                        help=f"the learners' logins (default {DEFAULT_SECRETS})")
    args = parser.parse_args(argv)
    try:
        admin = classroom.check_admin_url(args.admin_url)
        if args.command == "provision":
            if args.all:
                parser.error("--all is for drop; provision needs --learners")
            for learner, what in classroom.provision(admin, parse_learners(args.learners or ""),
                                                     args.secrets):
                print(f"{learner.name}: role and database {learner.role}: {what}")
            print(f"logins in {args.secrets} (readable by you only)")
        else:
            if args.all == bool(args.learners):
                parser.error("drop needs --learners NAMES or --all, not both")
            names = None if args.all else parse_learners(args.learners)
            removed = classroom.drop(admin, names, args.secrets)
            print("\n".join(f"removed {what}" for what in removed) or "nothing to remove")
    except TrainerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except psycopg.Error as error:
        # What the server said, and the usual reason: an administrator without the rights.
        print(f"error: the server refused: {str(error).strip()}\n(the administrator's role "
              "needs CREATEROLE and CREATEDB, and must own or be a superuser over what it "
              "drops; nothing after the refusal was done, what came before is in "
              f"{args.secrets})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
