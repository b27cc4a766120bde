"""Administration: users, organisations, delegations and topics."""
