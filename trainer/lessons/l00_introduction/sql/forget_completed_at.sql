-- A broken drain: the jobs it completed say nothing of when that happened.
UPDATE oban_jobs SET completed_at = NULL WHERE state = 'completed' AND queue = %(queue)s
