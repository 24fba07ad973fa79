-- insert_all: one exclusive lock per unique configuration for the whole batch. Single
-- inserts hold the same key in shared mode, so they wait for the batch, and it for them.
SELECT pg_advisory_xact_lock(%(config_lock_key)s)
