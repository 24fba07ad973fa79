-- Leadership among Oban instances sharing a database, as in Oban's own `oban_peers`:
-- one row per instance name, held by the leader until it expires. Unlogged: after a
-- crash the table is empty, and the next election picks a leader again.
CREATE UNLOGGED TABLE IF NOT EXISTS oban_peers (
    name text NOT NULL,
    node text NOT NULL,
    started_at timestamp without time zone NOT NULL,
    expires_at timestamp without time zone NOT NULL,
    PRIMARY KEY (name)
);
