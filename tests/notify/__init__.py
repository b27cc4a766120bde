"""Tests of outbound notifications: outbox dispatch, e-mail and WhatsApp senders."""
