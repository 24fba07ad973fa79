-- A broken retry: the errors of earlier attempts are lost.
UPDATE oban_jobs SET errors = '{}' WHERE id = ANY(%(ids)s)
