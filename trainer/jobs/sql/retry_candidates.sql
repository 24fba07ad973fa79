-- The jobs a retry would bring back, locked until the retry commits.
SELECT * FROM oban_jobs
WHERE state NOT IN ('available', 'executing')
  AND
-- include: job_filter
ORDER BY id
FOR UPDATE
