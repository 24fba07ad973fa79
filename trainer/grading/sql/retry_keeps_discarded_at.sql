-- A broken retry: the job still says when it was discarded.
UPDATE oban_jobs j SET discarded_at = before.discarded_at
FROM unnest(%(ids)s::bigint[], %(discarded_at)s::timestamp[]) AS before(id, discarded_at)
WHERE j.id = before.id
