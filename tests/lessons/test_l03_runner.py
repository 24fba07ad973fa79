"""run_test, as lesson 3's timeout check needs it: a learner's test that fails through a
pytest outcome (pytest.raises' "DID NOT RAISE", pytest.fail) is a failing test, not a
crash of the check; an interruption still stops everything."""

from __future__ import annotations

import pytest

from trainer.grading.runner import run_test


def test_a_pytest_outcome_is_a_failure_of_the_learners_test(repo):
    def did_not_raise():
        with pytest.raises(TimeoutError):
            pass

    def failed():
        pytest.fail("no")

    for test in (did_not_raise, failed):
        error = run_test(test)
        assert error is not None and not isinstance(error, Exception)
        assert "DID NOT RAISE" in str(error) or "no" in str(error)
    assert run_test(lambda: None) is None


def test_an_interruption_is_not_swallowed(repo):
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_test(interrupted)
