-- Wake the instances listening on a channel; delivered when this transaction commits.
SELECT pg_notify(%(channel)s, %(payload)s)
