-- Make scheduled and retryable jobs of a queue available when their time has come
-- (all of them when `until` is NULL).
UPDATE oban_jobs SET state = 'available'
WHERE queue = %(queue)s
  AND state IN ('scheduled', 'retryable')
  AND (%(until)s::timestamp IS NULL OR scheduled_at <= %(until)s::timestamp)
