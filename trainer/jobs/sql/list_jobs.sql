-- Jobs matching the filters (each filter NULL means "any"), newest first.
SELECT * FROM oban_jobs
WHERE
-- include: job_filter
ORDER BY id DESC
LIMIT %(limit)s
