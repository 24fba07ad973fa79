-- Put jobs taken by a drain that stopped early back as they were before the fetch.
UPDATE oban_jobs SET state = 'available', attempt = attempt - 1
WHERE id = ANY(%(ids)s) AND state = 'executing'
