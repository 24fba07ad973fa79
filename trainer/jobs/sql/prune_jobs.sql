-- The Pruner: up to `limit` finished jobs older than the age go, as in Oban: completed
-- ones by their scheduled time, cancelled and discarded ones by when that happened.
WITH old AS (
    SELECT id FROM oban_jobs
    WHERE (state = 'completed' AND scheduled_at < %(before)s)
       OR (state = 'cancelled' AND cancelled_at < %(before)s)
       OR (state = 'discarded' AND discarded_at < %(before)s)
    ORDER BY id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
DELETE FROM oban_jobs j USING old WHERE j.id = old.id
RETURNING j.id, j.queue, j.state::text AS state
