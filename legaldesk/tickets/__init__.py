"""Tickets: questions, messages, attachments, history, routing and queues."""
