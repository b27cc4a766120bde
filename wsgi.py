"""WSGI entry point: gunicorn wsgi:app."""

from legaldesk import create_app

app = create_app()
