-- What provisioning made carries this comment; drop removes nothing without it.
COMMENT ON ROLE {role} IS {marker}
