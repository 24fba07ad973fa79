-- Everything the job engine's migrations made, and their record. Run only where
-- migrated_version found the tables, so trainer_migrations exists. The unique insert
-- function goes first: its parameters use the table's types.
DROP FUNCTION IF EXISTS oban_insert_unique;
DROP TABLE IF EXISTS oban_peers;
DROP TABLE IF EXISTS oban_jobs;
DROP TYPE IF EXISTS oban_job_state;
DELETE FROM trainer_migrations WHERE component = 'jobs';
