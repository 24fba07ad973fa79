-- The restaurant closed: without an address it is no longer active.
UPDATE restaurants SET address = NULL WHERE id = %(id)s
