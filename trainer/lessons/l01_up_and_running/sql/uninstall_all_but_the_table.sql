-- A broken down migration: it forgets the version and everything else, but leaves the
-- oban_jobs table (and so the state enum its column uses) standing.
DROP FUNCTION IF EXISTS oban_insert_unique;
DROP TABLE IF EXISTS oban_peers;
COMMENT ON TABLE oban_jobs IS NULL;
DELETE FROM trainer_migrations WHERE component = 'jobs'
