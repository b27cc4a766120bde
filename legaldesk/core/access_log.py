"""Access logs without query strings: a query may carry a member's words (a search, a question)."""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler


def without_query(target: str) -> str:
    """A request target (or request line) cut before its query string."""
    return target.split("?", 1)[0]


class PathOnlyRequestHandler(WSGIRequestHandler):
    """The development server's request handler: its access log shows the path only."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log method, path (no query string), protocol, status and size."""
        saved_path, saved_line = getattr(self, "path", None), self.requestline
        if saved_path is not None:
            self.path = without_query(saved_path)
        self.requestline = without_query(saved_line)
        try:
            super().log_request(code, size)
        finally:
            if saved_path is not None:
                self.path = saved_path
            self.requestline = saved_line
