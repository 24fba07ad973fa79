INSERT INTO trainer_migrations (component, version, name)
VALUES (%(component)s, %(version)s, %(name)s)
