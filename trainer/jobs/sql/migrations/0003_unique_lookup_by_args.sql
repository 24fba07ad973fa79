-- The unique insert's lookup goes through the args index only (see the state condition
-- below): with migration 0002's version, inserts slowed from about 900 to 480 a second
-- once 50,000 unrelated jobs were in the table.

CREATE OR REPLACE FUNCTION oban_insert_unique(
    -- the new job
    new_state oban_job_state, new_queue text, new_worker text, new_args jsonb,
    new_meta jsonb, new_tags text[], new_max_attempts integer, new_priority integer,
    new_inserted_at timestamp, new_scheduled_at timestamp,
    -- what makes a duplicate
    lock_key bigint,              -- a hash of the unique values (NULL: no lock)
    config_lock_key bigint,       -- a hash of the unique configuration (NULL: no lock)
    unique_fields text[],         -- some of args, meta, queue, worker
    unique_keys text[],           -- NULL: compare the whole args (or meta) map
    args_match jsonb,             -- the args (or just their unique keys) to compare
    meta_match jsonb,             -- the same for meta
    unique_states oban_job_state[],
    period_start timestamp,       -- NULL: forever
    unique_timestamp text,        -- inserted_at or scheduled_at
    -- what to overwrite on a duplicate, by its state: {"scheduled": ["scheduled_at"]}
    replace jsonb,
    app_now timestamp,            -- the app clock (SQL now() stands still in a transaction)
    OUT job oban_jobs,
    OUT conflict boolean
)
LANGUAGE plpgsql
-- A new lesson database has no statistics yet; without this the planner may pick a
-- scan of the whole table, and every insert would get slower as jobs pile up.
SET enable_seqscan = off
AS $$
DECLARE
    fields jsonb;
BEGIN
    -- Wait for any other insert of the same unique values (held until COMMIT).
    PERFORM pg_advisory_xact_lock_shared(config_lock_key), pg_advisory_xact_lock(lock_key);

    SELECT * INTO job
    FROM oban_jobs j
    -- `@>` lets the GIN index on args find the candidates ('{}' when args are not
    -- part of uniqueness matches every job). The exact comparisons follow: containment
    -- alone would call [1, 2] and [2, 1, 1] the same.
    WHERE j.args @> args_match
      -- state::text: never through an index on state. With every state allowed, such
      -- an index matches every job, and a plan that ANDs it with the args index slows
      -- down as unrelated jobs pile up (as it does while a new table has no statistics).
      AND j.state::text = ANY(unique_states::text[])
      AND ('worker' <> ALL(unique_fields) OR j.worker = new_worker)
      AND ('queue' <> ALL(unique_fields) OR j.queue = new_queue)
      AND ('args' <> ALL(unique_fields)
           OR (unique_keys IS NULL AND j.args = args_match)
           OR (unique_keys IS NOT NULL
               AND (SELECT coalesce(jsonb_object_agg(key, value), '{}')
                    FROM jsonb_each(j.args) WHERE key = ANY(unique_keys)) = args_match))
      AND ('meta' <> ALL(unique_fields)
           OR (unique_keys IS NULL AND coalesce(j.meta, '{}') = meta_match)
           OR (unique_keys IS NOT NULL
               AND (SELECT coalesce(jsonb_object_agg(key, value), '{}')
                    FROM jsonb_each(coalesce(j.meta, '{}')) WHERE key = ANY(unique_keys))
                   = meta_match))
      AND (period_start IS NULL
           OR CASE WHEN unique_timestamp = 'scheduled_at' THEN j.scheduled_at
                   ELSE j.inserted_at END >= period_start)
    ORDER BY j.id  -- the oldest duplicate
    LIMIT 1;

    IF job.id IS NULL THEN
        INSERT INTO oban_jobs (state, queue, worker, args, meta, tags, max_attempts,
                               priority, inserted_at, scheduled_at)
        VALUES (new_state, new_queue, new_worker, new_args, new_meta, new_tags,
                new_max_attempts, new_priority, new_inserted_at, new_scheduled_at)
        RETURNING * INTO job;
        conflict := false;
        RETURN;
    END IF;

    conflict := true;
    fields := coalesce(replace -> job.state::text, '[]');
    IF jsonb_array_length(fields) = 0 THEN
        RETURN;
    END IF;
    UPDATE oban_jobs j SET
        args         = CASE WHEN fields ? 'args' THEN new_args ELSE j.args END,
        max_attempts = CASE WHEN fields ? 'max_attempts' THEN new_max_attempts
                            ELSE j.max_attempts END,
        meta         = CASE WHEN fields ? 'meta' THEN new_meta ELSE j.meta END,
        priority     = CASE WHEN fields ? 'priority' THEN new_priority ELSE j.priority END,
        queue        = CASE WHEN fields ? 'queue' THEN new_queue ELSE j.queue END,
        tags         = CASE WHEN fields ? 'tags' THEN new_tags ELSE j.tags END,
        worker       = CASE WHEN fields ? 'worker' THEN new_worker ELSE j.worker END,
        scheduled_at = CASE WHEN fields ? 'scheduled_at' THEN new_scheduled_at
                            ELSE j.scheduled_at END,
        -- A waiting job's state follows its new time: future is scheduled, else available.
        state = CASE
            WHEN fields ? 'scheduled_at' AND j.state IN ('available', 'scheduled')
            THEN CASE WHEN new_scheduled_at > app_now THEN 'scheduled'::oban_job_state
                      ELSE 'available'::oban_job_state END
            ELSE j.state END
    WHERE j.id = job.id
    RETURNING * INTO job;
END
$$;
