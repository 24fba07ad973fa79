-- {name} is composed as an identifier (psycopg.sql.Identifier), never as text.
CREATE DATABASE {name}
