-- By default every role may connect to every database: not to a learner's.
REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC
