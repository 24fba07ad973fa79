-- An election, in one statement: this peer takes the leader row when there is none or
-- when it has expired, and extends it when it holds it already. A row coming back means
-- this peer leads until expires_at.
INSERT INTO oban_peers AS p (name, node, started_at, expires_at)
VALUES (%(name)s, %(node)s, %(now)s, %(expires_at)s)
ON CONFLICT (name) DO UPDATE SET
    node = EXCLUDED.node,
    started_at = CASE WHEN p.node = EXCLUDED.node THEN p.started_at
                      ELSE EXCLUDED.started_at END,
    expires_at = EXCLUDED.expires_at
    WHERE p.node = EXCLUDED.node OR p.expires_at < %(now)s
RETURNING node
