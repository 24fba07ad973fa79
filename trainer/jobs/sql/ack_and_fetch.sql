-- One round trip per job: record how the previous job ended (nothing when %(id)s is
-- NULL), and take the next job of the pass, marking it executing, if it is still
-- available. One job at a time: a runner that dies holds at most the job it was running.
-- SKIP LOCKED: two drains at once never take the same job; a job already at its last
-- attempt is never taken.
WITH acked AS (
-- include: ack
), taken AS (
    SELECT id FROM oban_jobs
    WHERE id = %(next_id)s AND state = 'available' AND attempt < max_attempts
    FOR UPDATE SKIP LOCKED
)
UPDATE oban_jobs j SET
    state = 'executing',
    attempt = j.attempt + 1,
    attempted_at = %(now)s,
    attempted_by = %(attempted_by)s
FROM taken
WHERE j.id = taken.id
-- The columns in Job.COLUMNS' order: the row is read as a plain tuple (no per-row names).
RETURNING j.id, j.state, j.queue, j.worker, j.args, j.meta, j.tags, j.errors, j.attempt,
          j.max_attempts, j.priority, j.attempted_by, j.inserted_at, j.scheduled_at,
          j.attempted_at, j.completed_at, j.discarded_at, j.cancelled_at
