"""Phone-code login, access and refresh tokens, roles."""
