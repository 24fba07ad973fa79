-- Many jobs without unique options in one statement: the jobs arrive as one JSON array,
-- in order; ids are drawn in that order.
INSERT INTO oban_jobs (state, queue, worker, args, meta, tags, max_attempts, priority,
                       inserted_at, scheduled_at)
SELECT j.state, j.queue, j.worker, j.args, j.meta,
       ARRAY(SELECT jsonb_array_elements_text(j.tags)), j.max_attempts, j.priority,
       j.inserted_at, j.scheduled_at
FROM ROWS FROM (
         jsonb_to_recordset(%(jobs)s)
         AS (state oban_job_state, queue text, worker text, args jsonb, meta jsonb,
             tags jsonb, max_attempts integer, priority integer, inserted_at timestamp,
             scheduled_at timestamp)
     ) WITH ORDINALITY AS j
ORDER BY j.ordinality
RETURNING *, false AS conflict
