-- A producer's fetch: up to `demand` available jobs of its queue, in Oban's order,
-- marked executing for this producer in the same statement. SKIP LOCKED: producers
-- working the same queue never take the same job. A job already at its last attempt
-- is never taken.
WITH taken AS (
    SELECT id FROM oban_jobs
    WHERE state = 'available' AND queue = %(queue)s AND attempt < max_attempts
    ORDER BY priority, scheduled_at, id
    LIMIT %(demand)s
    FOR UPDATE SKIP LOCKED
)
-- include: mark_executing
