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
-- include: mark_executing
