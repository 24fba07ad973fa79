-- A broken drain: the jobs it completed are left looking as if never attempted.
UPDATE oban_jobs SET attempt = 0, attempted_at = NULL, attempted_by = NULL
WHERE state = 'completed' AND queue = %(queue)s
