-- An explicit BEGIN on an autocommit connection: psycopg then turns every
-- `transaction()` inside the sandbox into a savepoint, never a COMMIT.
BEGIN
