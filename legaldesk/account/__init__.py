"""Account self-service: forgotten password, e-mailed links, two-factor settings, invitations."""
