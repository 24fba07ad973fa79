-- As if the job had been inserted (and scheduled) at %(at)s.
UPDATE oban_jobs SET inserted_at = %(at)s, scheduled_at = %(at)s WHERE id = %(id)s
