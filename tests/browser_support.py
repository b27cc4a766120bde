"""Browser-test support: the real app served on loopback and a headless Chromium page."""

from __future__ import annotations

import contextvars
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import Flask, has_app_context
from playwright.sync_api import ConsoleMessage, Page, Response, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Settings the live server needs: plain-http cookies, and real CSRF tokens as in production.
LIVE_SETTINGS = {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                 "WTF_CSRF_ENABLED": True}


@dataclass
class LiveServer:
    """The app served over http on 127.0.0.1 by a background thread."""

    base_url: str

    def url(self, path: str) -> str:
        """Absolute URL of a path on the live server."""
        return self.base_url + path


@dataclass
class PageProblems:
    """Server errors, console errors, CSP problems and uncaught exceptions seen while browsing."""

    server_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    pages_without_csp: list[str] = field(default_factory=list)
    pages_seen: int = 0

    def record_response(self, response: Response) -> None:
        """Keep every 5xx answer, and every page served without a Content-Security-Policy."""
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")
        if response.request.resource_type == "document":
            self.pages_seen += 1
            if "content-security-policy" not in response.headers:
                self.pages_without_csp.append(f"no CSP header: {response.url}")

    def record_console(self, message: ConsoleMessage) -> None:
        """Keep console errors, except the browser's own favicon probe (the app has no icon)."""
        if "Content Security Policy" in message.text:  # Chromium reports each violation
            self.csp_violations.append(f"CSP violation: {message.text} at {message.location}")
            return
        if message.type != "error":
            return
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        self.console_errors.append(f"{message.text} at {message.location}")

    def record_page_error(self, error: Exception) -> None:
        """Keep uncaught page exceptions."""
        self.page_errors.append(str(error))

    def all(self) -> list[str]:
        """Every problem, for one assertion with a readable message."""
        return (self.server_errors + self.console_errors + self.page_errors
                + self.csp_violations + self.pages_without_csp)


class _QuietRequestHandler(WSGIRequestHandler):
    """Do not print one access-log line per request; errors are still logged."""

    def log_request(self, *args, **kwargs) -> None:
        """Skip access logging."""


class _FreshContextApp:
    """WSGI wrapper that refuses to serve a request inside someone else's app context.

    Flask pushes a new app context per request only when none is active; a request that ran
    inside the test body's context would share its session and hide a missing commit.
    """

    def __init__(self, app: Flask):
        self.app = app

    def __call__(self, environ, start_response):
        """Serve one request in its own app context."""
        if has_app_context():
            raise RuntimeError("live-server request would reuse an active app context")
        return self.app(environ, start_response)


def chromium_executable() -> str:
    """Path of the system Chromium; skip locally when absent, fail when CI is set."""
    path = os.environ.get("LEGALDESK_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(path)
    if found:
        return found
    reason = f"Chromium not found at {path} (set LEGALDESK_CHROMIUM to its path)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the browser tests are required in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve the test app (test database, reference data seeded) on a free loopback port.

    The test body must commit or roll back before the browser acts: on SQLite every
    transaction holds the write lock (BEGIN IMMEDIATE) and would block the server's requests.
    """
    saved = {key: app.config.get(key) for key in LIVE_SETTINGS}
    app.config.update(LIVE_SETTINGS)
    server = make_server("127.0.0.1", 0, _FreshContextApp(app), threaded=True,
                         request_handler=_QuietRequestHandler)
    # A fresh contextvars context: the thread must not see the test body's app context.
    thread = threading.Thread(target=contextvars.Context().run, args=(server.serve_forever,),
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.config.update(saved)


@dataclass
class BrowserPage:
    """A Chromium page on the live server, with the problems it has seen."""

    page: Page
    server: LiveServer
    problems: PageProblems

    def goto(self, path: str) -> Response | None:
        """Open a path of the live server."""
        return self.page.goto(self.server.url(path))


@contextmanager
def chromium_session(server: LiveServer) -> Iterator[BrowserPage]:
    """A fresh headless Chromium page in French that records errors.

    A context manager used in the test body, not a fixture, so that a missing Chromium in CI is
    a test failure rather than a set-up error, and the browser closes before the server stops.
    """
    executable = chromium_executable()
    problems = PageProblems()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("response", problems.record_response)
            page.on("console", problems.record_console)
            page.on("pageerror", problems.record_page_error)
            yield BrowserPage(page=page, server=server, problems=problems)
            context.close()
        finally:
            browser.close()
