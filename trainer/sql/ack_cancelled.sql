UPDATE oban_jobs SET state = 'cancelled', cancelled_at = %(now)s,
    errors = array_append(errors, %(error)s::jsonb)
-- state::text, not state: the row is found by its id (the primary key), never through
-- an index on state, whatever the table's statistics say.
WHERE id = %(id)s AND state::text = 'executing'  -- not if cancelled meanwhile
