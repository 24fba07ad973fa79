-- {table} is composed as an identifier from the record class's __table__.
SELECT * FROM {table} WHERE id = %(id)s
