-- Which migrations this database has had, per component (the job engine, the app).
CREATE TABLE IF NOT EXISTS trainer_migrations (
    component  text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    applied_at timestamp without time zone NOT NULL DEFAULT timezone('UTC', now()),
    PRIMARY KEY (component, version)
)
