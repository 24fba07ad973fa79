-- Bring jobs back to run again now. A job at its last attempt gets one more:
-- max_attempts becomes max(max_attempts, attempt + 1). Attempt, errors and
-- attempted_at are kept; the final-state timestamps are cleared.
UPDATE oban_jobs SET
    state = 'available',
    scheduled_at = %(now)s,
    max_attempts = GREATEST(max_attempts, attempt + 1),
    completed_at = NULL,
    cancelled_at = NULL,
    discarded_at = NULL
WHERE state NOT IN ('available', 'executing')
  AND
-- include: job_filter
