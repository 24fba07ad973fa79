-- Run again later without using up an attempt; meta.snoozed counts the snoozes.
UPDATE oban_jobs SET state = 'scheduled', scheduled_at = %(scheduled_at)s,
    attempt = attempt - 1,
    meta = jsonb_set(coalesce(meta, '{}'), '{snoozed}',
                     to_jsonb(coalesce((meta ->> 'snoozed')::integer, 0) + 1))
WHERE id = %(id)s AND state = 'executing'  -- not if cancelled meanwhile
