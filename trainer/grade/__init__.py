"""The instructor's gradebook: `python -m trainer.grade SUBMISSIONS --out grades.csv
--html grades.html` runs every learner's lesson notebooks headless and writes one row per
learner and lesson (see __main__)."""
