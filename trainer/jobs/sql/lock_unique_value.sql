-- The locks a unique insert of these values takes (see oban_insert_unique), held until
-- the transaction ends: no insert of a duplicate can slip in meanwhile.
SELECT pg_advisory_xact_lock_shared(%(config_lock_key)s), pg_advisory_xact_lock(%(lock_key)s)
