UPDATE oban_jobs SET state = 'cancelled', cancelled_at = %(now)s,
    errors = array_append(errors, %(error)s::jsonb)
WHERE id = %(id)s AND state = 'executing'  -- not if cancelled meanwhile
