-- Databases migrated before the app and the engine had migrations of their own kept one
-- sequence: 1 orders, 2 oban_jobs, 3 oban_insert_unique. Give those rows a component.
DO $$
BEGIN
    IF to_regclass('trainer_migrations') IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = to_regclass('trainer_migrations') AND attname = 'component'
    ) THEN
        ALTER TABLE trainer_migrations DROP CONSTRAINT trainer_migrations_pkey;
        ALTER TABLE trainer_migrations ADD COLUMN component text;
        UPDATE trainer_migrations SET
            component = CASE name WHEN 'orders' THEN 'chowmojo' ELSE 'jobs' END,
            version = CASE name WHEN 'orders' THEN 1 WHEN 'oban_jobs' THEN 1 ELSE 2 END;
        ALTER TABLE trainer_migrations ALTER COLUMN component SET NOT NULL;
        ALTER TABLE trainer_migrations ADD PRIMARY KEY (component, version);
    END IF;
END
$$
