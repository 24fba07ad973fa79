UPDATE oban_jobs SET state = 'completed', completed_at = %(now)s
WHERE id = %(id)s AND state = 'executing'  -- not if cancelled meanwhile
