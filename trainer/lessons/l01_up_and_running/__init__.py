"""Lesson 1, up and running: Oban's tables in a database of the learner's own, an
instance with the least configuration, a look at its queue, and a job run by itself."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l01_up_and_running import checks

LESSON = Lesson(
    number=1,
    slug="01_up_and_running",
    title="Up and running",
    teaches="installing the job tables (up and down), starting an instance with one queue, "
            "check_queue, a job run by a running queue with no drain",
    oban="`Oban.Migration.up/1`/`down/1`, `Oban.start_link(repo:, queues: [default: 10])`, "
         "`Oban.config/0`, `Oban.check_queue/1`",
    oban_py="its install SQL, `Oban(pool=..., queues={'default': 10})`, `await oban.start()`, "
            "`check_queue`",
    steps=(
        Step("install_tables", checks.step_install_tables, (checks.TEST_TABLES,)),
        Step("first_instance", checks.step_first_instance, (checks.TEST_INSTANCE,)),
        Step("queue_status", checks.step_queue_status, (checks.TEST_QUEUE,)),
        Step("runs_by_itself", checks.step_runs_by_itself, (checks.TEST_RUNS,)),
    ),
)
