"""Inbound channels: web form helpers, e-mail and WhatsApp."""
