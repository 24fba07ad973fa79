SELECT * FROM {table} ORDER BY id
