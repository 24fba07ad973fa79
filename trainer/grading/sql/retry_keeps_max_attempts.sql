-- A broken retry: a job at its last attempt gets none more (max_attempts as before).
UPDATE oban_jobs j SET max_attempts = before.max_attempts
FROM unnest(%(ids)s::bigint[], %(max_attempts)s::integer[]) AS before(id, max_attempts)
WHERE j.id = before.id
