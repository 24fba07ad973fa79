-- The lifeline: jobs left executing longer than `after` (their runner died) become
-- available again, or discarded when they have no attempt left, so a job limited to
-- one attempt is never run a second time.
UPDATE oban_jobs SET
    state = CASE WHEN attempt < max_attempts THEN 'available'::oban_job_state
                 ELSE 'discarded'::oban_job_state END,
    discarded_at = CASE WHEN attempt < max_attempts THEN discarded_at ELSE %(now)s END
WHERE state = 'executing'
  AND attempted_at < %(now)s::timestamp - make_interval(secs => %(after_seconds)s::float8)
RETURNING *
