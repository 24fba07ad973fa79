"""A child process of the reliability tests: `python -m tests.reliability.child ROLE JSON`.

It uses the server named by TRAINER_DATABASE_URL (the trainer's own database on it),
prints `ready` once connected and migrated, and a JSON line with its figures at the end.

Roles:
- insert:    wait for `go` on stdin, then insert LoadRefunder jobs over `order_ids` with
             random reasons for `seconds`; report inserts, conflicts and the job id each
             order id came back with.
- drain:     wait for `go`, then drain the default queue in a loop for `seconds`.
- drain-all: drain `queue` until nothing is left; report the drain result.
- hang:      insert a SlowRefunder job that hangs in `perform`, print its id, drain.
- run:       start an Oban running the `steady` queue (with a Lifeline), wait for `go`,
             insert plain and unique Steady jobs for `seconds`, report; then stop the
             instance when told `stop`, and report what it left executing.
"""

from __future__ import annotations

import json
import random
import sys
import time

from tests.reliability.workers import LoadRefunder, SlowRefunder, SteadyRefunder, SteadyUnique
from trainer.bootstrap import prepare
from trainer.db import Repo
from trainer.jobs import Oban
from trainer.jobs.plugins import Lifeline


def say(value: object) -> None:
    print(json.dumps(value), flush=True)


def wait_for_go() -> None:
    say("ready")
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go")


def insert(seconds: float, seed: int, order_ids: list[int]) -> None:
    rng = random.Random(seed)
    oban = Oban()
    Repo.query("SELECT 1")  # connect before the start
    wait_for_go()
    inserts = conflicts = 0
    seen: dict[int, set[int]] = {}
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        order_id = rng.choice(order_ids)
        reason = rng.choice(["cold", "late", "wrong dish", "never came"]) + f" #{rng.random()}"
        job = oban.insert(LoadRefunder.new({"id": order_id, "reason": reason}))
        inserts += 1
        conflicts += job.conflict
        seen.setdefault(order_id, set()).add(job.id)  # None would be a phantom job
    say({"inserts": inserts, "conflicts": conflicts, "elapsed": time.monotonic() - began,
         "seen": {str(k): sorted(v, key=str) for k, v in seen.items()}})


def drain(seconds: float) -> None:
    oban = Oban()
    Repo.query("SELECT 1")
    wait_for_go()
    ran = passes = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        result = oban.drain_queue(queue="default", with_limit=20)
        count = sum(result.as_dict().values())
        ran += count
        passes += 1
        if count == 0:
            time.sleep(0.005)
    say({"ran": ran, "passes": passes, "elapsed": time.monotonic() - began})


def drain_all(queue: str) -> None:
    result = Oban().drain_queue(queue=queue, with_recursion=True)
    say(result.as_dict())


def hang(max_attempts: int) -> None:
    oban = Oban()
    job = oban.insert(SlowRefunder.new({"id": 1, "hang": True}, max_attempts=max_attempts))
    say({"job_id": job.id})
    oban.drain_queue(queue="slow")  # hangs in perform until killed
    say("finished")  # never reached when the test kills us


def run(seconds: float, seed: int, node: str) -> None:
    rng = random.Random(seed)
    oban = Oban(queues={"steady": 5}, plugins=[Lifeline(rescue_after=2, interval=0.5)],
                node=node, shutdown_grace_period=10, stage_interval=0.5).start()
    wait_for_go()
    inserted = conflicts = 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if rng.random() < 0.5:
            job = oban.insert(SteadyRefunder.new({"id": rng.randrange(10**9)}))
        else:
            job = oban.insert(SteadyUnique.new({"id": rng.randrange(300)}))
        inserted += 1
        conflicts += job.conflict
        time.sleep(0.002)
    say({"inserted": inserted, "conflicts": conflicts})
    sys.stdin.readline()
    say({"orphans": oban.stop()})


def main() -> None:
    role, options = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    prepare()
    handlers = {"insert": insert, "drain": drain, "drain-all": drain_all, "hang": hang,
                "run": run}
    handlers[role](**options)


if __name__ == "__main__":
    main()
