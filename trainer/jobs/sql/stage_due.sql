-- The stager: scheduled and retryable jobs whose time has come become available, up to
-- `limit` at a time; the queues that got jobs come back, to be woken.
WITH due AS (
    SELECT id FROM oban_jobs
    WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= %(now)s
    ORDER BY scheduled_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE oban_jobs j SET state = 'available'
FROM due
WHERE j.id = due.id
RETURNING j.queue
