-- Remove the jobs a check's broken job queue committed on a connection of its own.
DELETE FROM oban_jobs WHERE id = ANY(%(ids)s)
