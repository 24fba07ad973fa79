"""The broken RestaurantNotifiers lesson 3's teeth checks run the learner's tests
against. Each wraps the learner's own worker and breaks one thing the lesson asks for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from trainer.course.chowmojo import restaurants
from trainer.grading.teeth import Mutant
from trainer.jobs import Cancel, Error, Job, Snooze, Worker

OK = (200, "ok")


def _with(worker: type[Worker], **methods: Callable[..., Any]) -> type[Worker]:
    """The learner's worker with some methods replaced, under the same name, so the jobs
    it builds (and the drains that run them) name it exactly as they name the original."""
    body: dict[str, Any] = {"__module__": worker.__module__,
                            "__qualname__": worker.__qualname__, **methods}
    return type(worker.__name__, (worker,), body)


def _returning(change: Callable[[Any, Job], Any]) -> Callable[[type[Worker]], type[Worker]]:
    """A mutant whose perform is the learner's, its result then changed by `change`."""
    def broken(worker: type[Worker]) -> type[Worker]:
        def perform(self: Worker, job: Job) -> Any:
            return change(worker.perform(self, job), job)
        return _with(worker, perform=perform)
    return broken


def _ok_for_everything(result: Any, job: Job) -> Any:
    return OK


def _raise_instead_of_error(result: Any, job: Job) -> Any:
    if isinstance(result, Error):
        raise RuntimeError(f"the restaurant's service answered {result.reason!r}")
    return result


def _snooze_a_minute(result: Any, job: Job) -> Any:
    return Snooze(60) if isinstance(result, Snooze) else result


def _error_instead_of_snooze(result: Any, job: Job) -> Any:
    return Error((429, "Too Many Requests")) if isinstance(result, Snooze) else result


def _notify_anyway(result: Any, job: Job) -> Any:
    return OK if isinstance(result, Cancel) else result


def _error_instead_of_cancel(result: Any, job: Job) -> Any:
    return Error(result.reason) if isinstance(result, Cancel) else result


def _fail_everything(result: Any, job: Job) -> Any:
    return Error((503, "Service Unavailable"))


FAILS_EVERY_ORDER = Mutant("a notifier that fails every order", (
    "Your test runs the notifier: good. Now check what perform_job gave back.",
    "`assert perform_job(RestaurantNotifier, {'id': order.id}) == (200, 'ok')`.",
), worker=_returning(_fail_everything))

OK_FOR_EVERYTHING = Mutant("a notifier that ignores what the restaurant answered", (
    "Notify an order whose restaurant's service is down: insert('order', 'unavailable').",
    "Then check what perform_job gives back: `isinstance(result, Error)`, with 503 in "
    "`result.reason`.",
), worker=_returning(_ok_for_everything))

RAISES_INSTEAD_OF_ERROR = Mutant("a notifier that raises instead of returning Error", (
    "Check exactly what perform_job gives back for a 503, not only that the drain failed.",
    "`result = perform_job(RestaurantNotifier, {'id': order.id})`, then "
    "`assert isinstance(result, Error) and result.reason[0] == 503`.",
), worker=_returning(_raise_instead_of_error))

ONE_ATTEMPT = Mutant("a notifier that gives up after one attempt", (
    "Drain the queue, then look at the job again: `job = oban.get_job(job)`.",
    "It will be tried again: `assert job.state == 'retryable'`, with one error recorded.",
), worker=lambda worker: type(worker.__name__, (worker,), {
    "__module__": worker.__module__, "__qualname__": worker.__qualname__}, max_attempts=1))

SNOOZES_A_MINUTE = Mutant("a snooze of 60 seconds, not 10", (
    "How long is the snooze? Check its length, not only that the job snoozed.",
    "`assert perform_job(...) == Snooze(10)`, or after a drain "
    "`assert_enqueued(worker=RestaurantNotifier, scheduled_in=10)`.",
), worker=_returning(_snooze_a_minute))

ERROR_INSTEAD_OF_SNOOZE = Mutant("an Error instead of a Snooze for a 429", (
    "Drain a rate-limited order's job and check what the drain reports.",
    "`assert oban.drain_queue(queue='notifications') == {'snoozed': 1, 'failure': 0}`; "
    "the job's attempt is given back: `oban.get_job(job).attempt == 0`.",
), worker=_returning(_error_instead_of_snooze))

NOTIFIES_DISPATCHED = Mutant("no Cancel for a dispatched order (it is notified anyway)", (
    "Notify an order that has left the kitchen: insert('order', dispatched_at=utcnow()).",
    "`assert perform_job(RestaurantNotifier, {'id': order.id}) == "
    "Cancel('already dispatched')`.",
), worker=_returning(_notify_anyway))

ERROR_INSTEAD_OF_CANCEL = Mutant("an Error instead of a Cancel (retried for nothing)", (
    "Drain a dispatched order's job and check what the drain reports.",
    "`assert oban.drain_queue(queue='notifications') == {'cancelled': 1}`, and then "
    "`refute_enqueued(worker=RestaurantNotifier)`.",
), worker=_returning(_error_instead_of_cancel))


def _default_backoff(worker: type[Worker]) -> type[Worker]:
    return _with(worker, backoff=Worker.backoff)


def _constant_backoff(worker: type[Worker]) -> type[Worker]:
    def backoff(self: Worker, job: Job) -> int:
        return int(worker.backoff(self, job.evolve(attempt=1)))
    return _with(worker, backoff=backoff)


DEFAULT_BACKOFF = Mutant("Oban's default backoff (17 s, 19 s, 23 s, ... 6 days)", (
    "Ask your worker for its backoff: `RestaurantNotifier().backoff(job)`, with a job from "
    "`build_job(RestaurantNotifier, {'id': 1}, attempt=1)`.",
    "Assert the seconds you expect: `== 5` for your first attempt, say.",
), worker=_default_backoff)

CONSTANT_BACKOFF = Mutant("the same backoff after every attempt", (
    "Check the backoff for several attempts, not only the first.",
    "Build jobs with attempt=1, 2 and 3 and assert the list of waits: `== [5, 10, 15]`, say.",
), worker=_constant_backoff)


@contextmanager
def _no_hang() -> Iterator[None]:
    """The hanging service answers at once: a worker with no timeout would otherwise keep
    the check waiting for seconds, only to learn the same thing."""
    saved = restaurants.HANG_SECONDS
    restaurants.HANG_SECONDS = 0.0
    try:
        yield
    finally:
        restaurants.HANG_SECONDS = saved


def _no_timeout(worker: type[Worker]) -> type[Worker]:
    def timeout(self: Worker, job: Job) -> None:
        return None

    def perform(self: Worker, job: Job) -> Any:
        with _no_hang():
            return worker.perform(self, job)

    return _with(worker, timeout=timeout, perform=perform)


NO_TIMEOUT = Mutant("no timeout (a hanging service holds the job for good)", (
    "Notify an order whose restaurant's service hangs: insert('order', 'hangs').",
    "perform_job applies your timeout: `with pytest.raises(TimeoutError): "
    "perform_job(RestaurantNotifier, {'id': order.id})`.",
), worker=_no_timeout)
