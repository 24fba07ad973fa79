-- Whether the job table is there: its name, or NULL.
SELECT to_regclass('oban_jobs')::text AS jobs_table
