-- Its owner too: a learner may create and comment on databases of their own, so the
-- marker alone could be forged; what provisioning made is owned by the learner's role.
SELECT datname, shobj_description(d.oid, 'pg_database') AS marker, r.rolname AS owner
FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
WHERE datname = %(database)s
