-- {table}, {columns} and {values} are composed from the record's fields: identifiers and
-- named placeholders, never values.
INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING *
