-- {password} is composed as a literal (psycopg.sql.Literal): ALTER ROLE takes no parameters.
ALTER ROLE postgres PASSWORD {password}
