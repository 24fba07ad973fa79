"""Lesson 5, delivering a daily digest: a worker with empty args, a configuration checked
before starting (a paused queue, a Cron plugin), jobs piling up in a paused queue and
completing once it resumes, queue control, and one sub-job per restaurant."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l05_delivering_a_daily_digest import checks

LESSON = Lesson(
    number=5,
    slug="05_delivering_a_daily_digest",
    title="Delivering a daily digest",
    teaches="periodic jobs with Cron, validating a configuration, paused queues, "
            "counting jobs by state, queue control, fanning out sub-jobs",
    oban="`Oban.Plugins.Cron` (`crontab:`), `Oban.Config.validate/1`, "
         "`queues: [email: [limit: 1, paused: true]]`, `Oban.pause_queue/2`, "
         "`resume_queue/2`, `stop_queue/2`, `start_queue/2`, `check_queue/2`, `insert_all/2`",
    oban_py="`@worker(cron=...)`, `Oban(queues=...)`, `oban.pause_queue`, "
            "`oban.resume_queue`, `oban.check_queue`, `enqueue_many`",
    steps=(
        Step("digest_worker", checks.step_worker, (checks.TEST_DIGEST,)),
        Step("digest_config", checks.step_config, (checks.TEST_CONFIG, checks.TEST_BAD_CONFIG)),
        Step("digest_count", checks.step_count, (checks.TEST_COUNT,)),
        Step("digest_queue_control", checks.step_queue_control, (checks.TEST_CONTROL,)),
        Step("digest_fan_out", checks.step_fan_out, (checks.TEST_FAN_OUT,)),
    ),
)
