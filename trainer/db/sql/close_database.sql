-- {name} is composed as an identifier. By default every role may connect to every
-- database; to a learner's own, only its owner may.
REVOKE CONNECT, TEMPORARY ON DATABASE {name} FROM PUBLIC
