"""WSGI entry point: gunicorn wsgi:app (production by default: set LEGALDESK_SECRET_KEY)."""

from legaldesk import create_app

app = create_app()
