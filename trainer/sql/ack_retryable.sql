-- A failed attempt with attempts left: try again after the backoff.
UPDATE oban_jobs SET state = 'retryable', scheduled_at = %(scheduled_at)s,
    errors = array_append(errors, %(error)s::jsonb)
WHERE id = %(id)s AND state = 'executing'  -- not if cancelled meanwhile
