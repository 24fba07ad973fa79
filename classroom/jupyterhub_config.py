"""JupyterHub for a class on one machine: local users, each single-user server opening
the course (a copy of its own in ~/chowmojo) and working in the learner's own database
on the shared PostgreSQL server. Started by `make hub`; read by `jupyterhub -f`.

What it reads from the environment (`make hub` sets the defaults):
  TRAINER_HUB_LEARNERS   the local users allowed in, e.g. alice,bob
  TRAINER_HUB_SECRETS    the logins `python -m trainer.classroom provision` wrote
  TRAINER_HUB_STATE      a folder for the Hub's own database and cookie secret
  TRAINER_HUB_PORT       where learners connect (8000); the Hub's own API port is +1,
                         the proxy's +2
  TRAINER_HUB_TOKEN      optional: an API token for the instructor's scripts (the
                         "instructor" service may add users, start their servers, use them)
  TRAINER_HUB_AUTH       "pam" (local users' passwords, the default) or "dummy" (any
                         password: for trying it on a laptop, never for a class)
"""

import json
import os
import pwd
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ("START_HERE.ipynb", "exercises", "solutions")

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - given by JupyterHub

port = int(os.environ.get("TRAINER_HUB_PORT", "8000"))
state = Path(os.environ.get("TRAINER_HUB_STATE", ROOT / ".hub"))
state.mkdir(mode=0o700, parents=True, exist_ok=True)
secrets_file = Path(os.environ.get("TRAINER_HUB_SECRETS", ROOT / "classroom-secrets.json"))
learners = {name.strip() for name in os.environ.get("TRAINER_HUB_LEARNERS", "").split(",")
            if name.strip()}

c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [str(ROOT / "classroom" / "node_modules" / ".bin" /
                                       "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")

c.JupyterHub.authenticator_class = os.environ.get("TRAINER_HUB_AUTH", "pam")
c.Authenticator.allowed_users = learners

# Each learner's server: the trainer's own Python, opening the start page of their copy.
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.notebook_dir = "~/chowmojo"
c.Spawner.default_url = "/lab/tree/START_HERE.ipynb"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60


def _read_logins() -> dict:
    if not secrets_file.exists():
        return {}
    try:
        found = json.loads(secrets_file.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(f"the learners' logins in {secrets_file} cannot be read: {error}; "
                           "run `python -m trainer.classroom provision` again") from error
    return found if isinstance(found, dict) else {}


def _as_the_learner(account: pwd.struct_passwd, *command: str) -> None:
    """Run as the learner, not as root: the copy lands in a folder the learner controls,
    and a link they put there must never send root's writes elsewhere. With a bare
    environment: the Hub's own (its API token) is not the learner's to read."""
    done = subprocess.run(command, user=account.pw_uid, group=account.pw_gid,
                          extra_groups=[], cwd=account.pw_dir, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": account.pw_dir})
    if done.returncode != 0:
        raise RuntimeError(f"copying the course for {account.pw_name} failed: "
                           f"{' '.join(command[:2])}: {done.stderr.strip()}")


def give_the_learner_a_course_and_a_database(spawner) -> None:  # noqa: ANN001
    """Before a learner's server starts: their own copy of the notebooks (made once, so
    their work is never overwritten), and their own login on the shared server."""
    name = spawner.user.name
    login = _read_logins().get(name)
    if not login:
        raise RuntimeError(f"no database login for {name!r} in {secrets_file}: run "
                           f"`python -m trainer.classroom provision --learners {name}`")
    account = pwd.getpwnam(name)
    home = Path(account.pw_dir) / "chowmojo"
    if not home.exists() and not home.is_symlink():
        # Into a folder of its own first, then moved in place: a copy that fails half-way
        # is made again at the next start, never left as the learner's course.
        partial = home.with_name("chowmojo.partial")
        _as_the_learner(account, "rm", "-rf", str(partial))
        _as_the_learner(account, "mkdir", str(partial))
        _as_the_learner(account, "cp", "-R", *(str(ROOT / item) for item in COURSE),
                        str(partial))
        _as_the_learner(account, "mv", "-T", str(partial), str(home))
    spawner.environment.update({
        "TRAINER_DATABASE_URL": login["url"],
        "TRAINER_DATABASE_NAME": login["database"],
        "TRAINER_DATABASE": "url",
    })


c.Spawner.pre_spawn_hook = give_the_learner_a_course_and_a_database

token = os.environ.get("TRAINER_HUB_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "instructor", "api_token": token}]
    c.JupyterHub.load_roles = [{
        "name": "instructor",
        "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
        "services": ["instructor"],
    }]
