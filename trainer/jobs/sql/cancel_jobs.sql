-- Cancel jobs that have not finished yet.
UPDATE oban_jobs SET state = 'cancelled', cancelled_at = %(now)s
WHERE state NOT IN ('completed', 'discarded', 'cancelled')
  AND
-- include: job_filter
