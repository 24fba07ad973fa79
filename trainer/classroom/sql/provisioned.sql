-- Every role and database provisioning made (by its marker), with the learner's name.
-- A database counts only when the role of its own name owns it (see database_exists).
SELECT 'role' AS kind, rolname AS name FROM pg_roles
WHERE shobj_description(oid, 'pg_authid') = %(marker)s
UNION ALL
SELECT 'database', datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
WHERE shobj_description(d.oid, 'pg_database') = %(marker)s AND r.rolname = d.datname
ORDER BY 1, 2
