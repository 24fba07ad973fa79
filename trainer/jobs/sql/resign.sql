-- A stopping leader gives its row up, so another peer can lead at once.
DELETE FROM oban_peers WHERE name = %(name)s AND node = %(node)s
