UPDATE oban_jobs SET state = 'completed', completed_at = %(now)s WHERE id = %(id)s
