-- Take up to `limit` available jobs of a queue and mark them executing, in one statement.
-- SKIP LOCKED: two drains at once never take the same job. A job already at its last
-- attempt is never taken.
UPDATE oban_jobs j SET
    state = 'executing',
    attempt = j.attempt + 1,
    attempted_at = %(now)s,
    attempted_by = %(attempted_by)s
FROM (
    SELECT id FROM oban_jobs
    WHERE state = 'available' AND queue = %(queue)s AND attempt < max_attempts
    ORDER BY priority, scheduled_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) taken
WHERE j.id = taken.id
RETURNING j.*
