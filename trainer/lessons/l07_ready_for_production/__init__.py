"""Lesson 7, ready for production: the Pruner and the Lifeline in a validated
configuration, a stop's grace period, a live demonstration of both, the default logger
and telemetry handlers of one's own."""

from trainer.grading.manifest import Lesson, Step
from trainer.lessons.l07_ready_for_production import checks

LESSON = Lesson(
    number=7,
    slug="07_ready_for_production",
    title="Ready for production",
    teaches="pruning finished jobs, rescuing orphans, a stop's grace period, logging and "
            "reporting through telemetry",
    oban="`Oban.Plugins.Pruner` (`max_age` in s), `Oban.Plugins.Lifeline` (`rescue_after` "
         "in ms), `shutdown_grace_period`, `Oban.Config.validate/1`, "
         "`Oban.Telemetry.attach_default_logger/1`, `:telemetry.attach_many/4`",
    oban_py="the pruner (`max_age`) and lifeline (`rescue_after`) plugins, in seconds; "
            "`logger.attach()`, `telemetry.attach(...)`",
    steps=(
        Step("pruner_config", checks.step_pruner, (checks.TEST_PRUNER,)),
        Step("lifeline_config", checks.step_lifeline, (checks.TEST_LIFELINE,)),
        Step("job_logging", checks.step_logger, (checks.TEST_LOGGER,)),
        Step("event_log", checks.step_event_log, (checks.TEST_EVENT_LOG,)),
        Step("error_reporter", checks.step_reporter, (checks.TEST_REPORTER,)),
    ),
)
