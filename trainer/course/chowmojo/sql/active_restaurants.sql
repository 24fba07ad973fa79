-- A restaurant is active when customers can find it: it has an address.
SELECT * FROM restaurants WHERE address IS NOT NULL ORDER BY id
