SELECT datname, shobj_description(oid, 'pg_database') AS marker FROM pg_database
WHERE datname = %(database)s
