"""Users, organisations, memberships and roles, programmes, invitations and API tokens."""
