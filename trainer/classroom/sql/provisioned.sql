-- Every role and database provisioning made (by its marker), with the learner's name.
SELECT 'role' AS kind, rolname AS name FROM pg_roles
WHERE shobj_description(oid, 'pg_authid') = %(marker)s
UNION ALL
SELECT 'database', datname FROM pg_database
WHERE shobj_description(oid, 'pg_database') = %(marker)s
ORDER BY 1, 2
