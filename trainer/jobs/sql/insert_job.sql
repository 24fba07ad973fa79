-- A job without unique options: a plain insert.
INSERT INTO oban_jobs (state, queue, worker, args, meta, tags, max_attempts, priority,
                       inserted_at, scheduled_at)
VALUES (%(state)s, %(queue)s, %(worker)s, %(args)s, %(meta)s, %(tags)s, %(max_attempts)s,
        %(priority)s, %(inserted_at)s, %(scheduled_at)s)
RETURNING *, false AS conflict
