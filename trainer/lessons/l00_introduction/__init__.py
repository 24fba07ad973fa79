"""Lesson 0, why background jobs: what a job system adds beyond a thread, jobs as rows,
the vocabulary and the lifecycle; one exercise: a job's row before and after a drain."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l00_introduction import checks

LESSON = Lesson(
    number=0,
    slug="00_introduction",
    title="Why background jobs",
    teaches="what a background job is, jobs as rows of oban_jobs, the vocabulary and the "
            "lifecycle; a job's row before and after a drain",
    oban="`Oban.insert/2`, `Oban.drain_queue/2`, the `oban_jobs` table, "
         "`Oban.Job` states",
    oban_py="`oban.insert`, `oban.drain_queue`, the `oban_jobs` table",
    steps=(
        Step("first_job", checks.step_first_job, (checks.TEST_ROW,)),
        Step("first_drain", checks.step_first_drain, (checks.TEST_DRAIN,)),
    ),
)
