SELECT version FROM trainer_migrations WHERE component = %(component)s
