-- Record how one attempt ended: the state, and only what that state changes (a NULL
-- parameter leaves its column as it is). The transitions are chosen in executor.py.
UPDATE oban_jobs SET
    state = %(state)s::oban_job_state,
    scheduled_at = coalesce(%(scheduled_at)s::timestamp, scheduled_at),
    completed_at = coalesce(%(completed_at)s::timestamp, completed_at),
    discarded_at = coalesce(%(discarded_at)s::timestamp, discarded_at),
    cancelled_at = coalesce(%(cancelled_at)s::timestamp, cancelled_at),
    -- A snooze gives its attempt back.
    attempt = attempt + %(attempt_change)s::integer,
    errors = CASE WHEN %(error)s::jsonb IS NULL THEN errors
                  ELSE array_append(errors, %(error)s::jsonb) END,
    -- meta.snoozed counts the snoozes.
    meta = CASE WHEN %(snoozed)s::boolean
                THEN jsonb_set(coalesce(meta, '{}'), '{snoozed}',
                               to_jsonb(coalesce((meta ->> 'snoozed')::integer, 0) + 1))
                ELSE meta END
-- state::text, not state: the row is found by its id (the primary key), never through
-- an index on state, whatever the table's statistics say.
WHERE id = %(id)s AND state::text = 'executing'  -- not if cancelled meanwhile
