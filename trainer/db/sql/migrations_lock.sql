-- Serialises migrations across processes (any constant will do).
SELECT pg_advisory_xact_lock(7362104551)
