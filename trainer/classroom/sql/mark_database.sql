COMMENT ON DATABASE {database} IS {marker}
