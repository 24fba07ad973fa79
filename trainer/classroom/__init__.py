"""A class on one PostgreSQL server: a database and a login role per learner
(`provision`), and the kernel-side lookup that puts each learner in their own
(`credentials`). `python -m trainer.classroom --help` for the instructor's commands."""
