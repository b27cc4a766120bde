"""gunicorn settings (read from the working directory by `gunicorn wsgi:app`).

The access log names the path without its query string (%(U)s, not %(r)s) and no referrer
(%(f)s would repeat the previous page's query): a query may hold a member's words.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
