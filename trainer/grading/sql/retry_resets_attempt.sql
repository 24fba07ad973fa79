-- A broken retry: the job forgets the attempts it had.
UPDATE oban_jobs SET attempt = 0 WHERE id = ANY(%(ids)s)
