-- Client connections to the server right now, and how many it allows.
SELECT count(*) FILTER (WHERE backend_type = 'client backend') AS used,
       current_setting('max_connections')::int AS allowed
FROM pg_stat_activity
