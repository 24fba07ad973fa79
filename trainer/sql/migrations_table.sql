-- Which of the trainer's migrations this database has had.
CREATE TABLE IF NOT EXISTS trainer_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamp without time zone NOT NULL DEFAULT timezone('UTC', now())
)
