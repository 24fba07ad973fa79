-- The job table exactly as Oban's migrations leave it at version 14, so SQL written
-- for Oban's table works here too. Uniqueness is enforced by the application (see
-- insert_unique.sql), not by an index: that is how Oban does it.

-- Database order of the states; Job.states() lists them in another order.
CREATE TYPE oban_job_state AS ENUM (
    'available', 'suspended', 'scheduled', 'executing',
    'retryable', 'completed', 'discarded', 'cancelled'
);

CREATE TABLE oban_jobs (
    id           bigserial PRIMARY KEY,
    state        oban_job_state NOT NULL DEFAULT 'available',
    queue        text NOT NULL DEFAULT 'default',
    worker       text NOT NULL,
    args         jsonb NOT NULL DEFAULT '{}',
    errors       jsonb[] NOT NULL DEFAULT ARRAY[]::jsonb[],
    attempt      integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 20,
    inserted_at  timestamp without time zone NOT NULL DEFAULT timezone('UTC', now()),
    scheduled_at timestamp without time zone NOT NULL DEFAULT timezone('UTC', now()),
    attempted_at timestamp without time zone,
    completed_at timestamp without time zone,
    attempted_by text[],
    discarded_at timestamp without time zone,
    priority     integer NOT NULL DEFAULT 0,
    tags         text[] DEFAULT ARRAY[]::text[],
    meta         jsonb DEFAULT '{}',
    cancelled_at timestamp without time zone,
    CONSTRAINT worker_length CHECK (char_length(worker) > 0 AND char_length(worker) < 128),
    CONSTRAINT queue_length CHECK (char_length(queue) > 0 AND char_length(queue) < 128),
    CONSTRAINT positive_max_attempts CHECK (max_attempts > 0),
    CONSTRAINT attempt_range CHECK (attempt BETWEEN 0 AND max_attempts)
);

-- Oban adds this one NOT VALID (version 12 replaced version 10's 0..3 range).
ALTER TABLE oban_jobs
    ADD CONSTRAINT non_negative_priority CHECK (priority >= 0) NOT VALID;

CREATE INDEX oban_jobs_state_queue_priority_scheduled_at_id_index
    ON oban_jobs (state, queue, priority, scheduled_at, id);
CREATE INDEX oban_jobs_args_index ON oban_jobs USING gin (args);
CREATE INDEX oban_jobs_meta_index ON oban_jobs USING gin (meta);
CREATE INDEX oban_jobs_state_cancelled_at_index ON oban_jobs (state, cancelled_at);
CREATE INDEX oban_jobs_state_discarded_at_index ON oban_jobs (state, discarded_at);

CREATE UNLOGGED TABLE oban_peers (
    name       text PRIMARY KEY,
    node       text NOT NULL,
    started_at timestamp without time zone NOT NULL,
    expires_at timestamp without time zone NOT NULL
);

COMMENT ON TABLE oban_jobs IS '14';
