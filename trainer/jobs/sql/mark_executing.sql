-- Mark the rows `taken` selected as executing for this runner, and return them with
-- the columns in Job.COLUMNS' order (the rows are read as plain tuples).
UPDATE oban_jobs j SET
    state = 'executing',
    attempt = j.attempt + 1,
    attempted_at = %(now)s,
    attempted_by = %(attempted_by)s
FROM taken
WHERE j.id = taken.id
RETURNING j.id, j.state, j.queue, j.worker, j.args, j.meta, j.tags, j.errors, j.attempt,
          j.max_attempts, j.priority, j.attempted_by, j.inserted_at, j.scheduled_at,
          j.attempted_at, j.completed_at, j.discarded_at, j.cancelled_at
