-- What was sent, oldest first; a NULL filter matches every row.
SELECT * FROM deliveries
WHERE (%(kind)s::text IS NULL OR kind = %(kind)s)
  AND (%(recipient)s::text IS NULL OR recipient = %(recipient)s)
ORDER BY id
