"""Access logs (dev server and gunicorn) name the path without its query string."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from legaldesk.core.access_log import without_query

ROOT = Path(__file__).resolve().parents[2]
SECRET = "accident-du-travail-de-madame-x"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEGALDESK_", "FLASK_"))}
    env.update(LEGALDESK_DEPLOYMENT="development",
               LEGALDESK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'log.sqlite'}",
               LEGALDESK_KB_INDEX_DIR=str(tmp_path / "kb-index"),
               LEGALDESK_ATTACHMENTS_DIR=str(tmp_path / "attachments"))
    return env


def fetch_with_query(port: int) -> None:
    """GET a page with a personal query string once the server answers."""
    url = f"http://127.0.0.1:{port}/login?next=/kb/search&q={SECRET}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail("the server never answered")


def served_log(command: list[str], tmp_path: Path, port: int) -> str:
    """Run a server, make one request, stop it and return everything it printed."""
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env(tmp_path), stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        fetch_with_query(port)
        time.sleep(0.5)  # let the access line reach the file
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    return log.read_text()


def test_without_query():
    assert without_query("/kb/search?q=x") == "/kb/search"
    assert without_query("GET /a?b=c HTTP/1.1") == "GET /a"
    assert without_query("/plain") == "/plain"


def test_development_server_logs_the_path_only(tmp_path):
    port = free_port()
    text = served_log([sys.executable, "-m", "legaldesk", "serve", "--port", str(port)],
                      tmp_path, port)
    assert '"GET /login HTTP/1.1" 200' in text, text
    assert SECRET not in text and "?" not in text.split('"GET /login')[1].split("\n")[0]


def test_gunicorn_access_log_has_no_query_string(tmp_path):
    port = free_port()
    text = served_log([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                       "--workers", "1", "--access-logfile", "-", "wsgi:app"], tmp_path, port)
    assert '"GET /login HTTP/1.1" 200' in text, text
    assert SECRET not in text
