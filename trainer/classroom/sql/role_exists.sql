SELECT rolname, shobj_description(oid, 'pg_authid') AS marker FROM pg_roles
WHERE rolname = %(role)s
