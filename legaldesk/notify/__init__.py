"""Outbound notifications: the outbox and its senders."""
