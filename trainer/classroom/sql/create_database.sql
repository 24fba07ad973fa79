CREATE DATABASE {database} OWNER {role}
