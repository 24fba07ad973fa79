-- As if time had passed: the job is now due at %(at)s.
UPDATE oban_jobs SET scheduled_at = %(at)s WHERE id = %(id)s
