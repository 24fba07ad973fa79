-- Oban keeps its schema's version as the comment on oban_jobs; NULL when not installed.
SELECT obj_description(to_regclass('oban_jobs'), 'pg_class') AS version
