"""Users, roles, organisations and regional delegations."""
