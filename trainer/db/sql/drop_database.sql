-- {name} is composed as an identifier. FORCE ends the sessions still on it (PG 13+).
DROP DATABASE IF EXISTS {name} WITH (FORCE)
