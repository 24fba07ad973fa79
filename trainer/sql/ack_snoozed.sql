-- Run again later without using up an attempt; meta.snoozed counts the snoozes.
UPDATE oban_jobs SET state = 'scheduled', scheduled_at = %(scheduled_at)s,
    attempt = attempt - 1,
    meta = jsonb_set(coalesce(meta, '{}'), '{snoozed}',
                     to_jsonb(coalesce((meta ->> 'snoozed')::integer, 0) + 1))
-- state::text, not state: the row is found by its id (the primary key), never through
-- an index on state, whatever the table's statistics say.
WHERE id = %(id)s AND state::text = 'executing'  -- not if cancelled meanwhile
