-- A broken count: only the jobs of the email queue that wait to run, whatever their state.
SELECT 'available' AS state, count(*) AS count FROM oban_jobs WHERE queue = 'email'
