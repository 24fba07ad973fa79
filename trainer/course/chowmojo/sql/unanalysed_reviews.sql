-- Reviews no sentiment analysis has looked at yet, oldest first.
SELECT * FROM reviews WHERE sentiment IS NULL ORDER BY id
