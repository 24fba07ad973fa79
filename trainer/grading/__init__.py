"""Self-checks, for any lesson: a checklist report, running a learner's tests, and the
broken variants ("mutants") their tests must catch."""
