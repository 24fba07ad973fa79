-- A job without unique options: a plain insert. With %(notify)s, a job that is available
-- now wakes the listening instances' producers, in the same round trip (the channel is
-- the one runtime/notifier.py listens on; delivered when the insert commits).
WITH inserted AS (
    INSERT INTO oban_jobs (state, queue, worker, args, meta, tags, max_attempts, priority,
                           inserted_at, scheduled_at)
    VALUES (%(state)s, %(queue)s, %(worker)s, %(args)s, %(meta)s, %(tags)s, %(max_attempts)s,
            %(priority)s, %(inserted_at)s, %(scheduled_at)s)
    RETURNING *
)
SELECT inserted.*, false AS conflict
FROM inserted
LEFT JOIN LATERAL (
    SELECT pg_notify('oban_insert', inserted.queue)
    WHERE %(notify)s AND inserted.state = 'available'
) AS woken ON true
