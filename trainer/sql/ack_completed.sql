UPDATE oban_jobs SET state = 'completed', completed_at = %(now)s
-- state::text, not state: the row is found by its id (the primary key), never through
-- an index on state, whatever the table's statistics say.
WHERE id = %(id)s AND state::text = 'executing'  -- not if cancelled meanwhile
