-- How many jobs are in one state (the running-queue benchmarks wait on it).
SELECT count(*) AS n FROM oban_jobs WHERE state::text = %(state)s
