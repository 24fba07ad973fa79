-- A broken count: every queue's jobs, not only the email queue's.
SELECT state::text AS state, count(*) AS count FROM oban_jobs GROUP BY state
