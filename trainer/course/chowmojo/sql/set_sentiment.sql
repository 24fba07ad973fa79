UPDATE reviews SET sentiment = %(sentiment)s, updated_at = %(now)s WHERE id = %(id)s
