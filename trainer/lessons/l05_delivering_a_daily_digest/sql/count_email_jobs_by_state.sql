-- How many jobs of the email queue are in each state.
SELECT state::text AS state, count(*) AS count FROM oban_jobs WHERE queue = 'email' GROUP BY state
