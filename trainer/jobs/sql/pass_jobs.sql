-- The jobs a drain's pass will run, in order: those available when it begins (jobs
-- inserted later, by its own jobs say, wait for the next pass, as in Oban).
SELECT id FROM oban_jobs
WHERE state = 'available' AND queue = %(queue)s AND attempt < max_attempts
ORDER BY priority, scheduled_at, id
LIMIT %(limit)s
