-- What the role owns elsewhere (databases it made in lesson 1, say) and its grants.
DROP OWNED BY {role}
