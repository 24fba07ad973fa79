-- A broken queue's insert: the new job is held back an hour instead of waiting to run now.
UPDATE oban_jobs SET state = 'scheduled', scheduled_at = %(at)s WHERE id = %(id)s
