"""Security headers on every response, HTTPS and HSTS in production only, nothing inline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legaldesk import create_app
from tests.conftest import login

STRONG_KEY = "k" * 48
TEMPLATES = Path(__file__).resolve().parents[2] / "legaldesk" / "templates"


def assert_security_headers(response) -> None:
    """The headers every page must carry, whatever the deployment."""
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_the_security_headers_and_are_not_stored(client, make):
    login_page = client.get("/login")
    assert_security_headers(login_page)
    assert login_page.headers["Cache-Control"] == "no-store"
    # The test client speaks https (PREFERRED_URL_SCHEME): development still sends no HSTS.
    assert "Strict-Transport-Security" not in login_page.headers
    login(client, make.user("jurist", specialty="droit_social"))
    for path in ("/tickets", "/queue/national", "/kb/", "/nowhere"):
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_static_files_may_be_cached(client):
    response = client.get("/static/legaldesk.css")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_development_serves_plain_http(client):
    assert client.get("/login", base_url="http://localhost").status_code == 200


def production_app(tmp_path, **settings):
    return create_app({"SECRET_KEY": STRONG_KEY,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
                       "KB_INDEX_DIR": str(tmp_path / "kb-index"), **settings})


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    client = production_app(tmp_path).test_client()
    plain = client.get("/login?next=/tickets", base_url="http://localhost")
    assert plain.status_code in (301, 302)
    assert plain.headers["Location"] == "https://localhost/login?next=/tickets"
    secure = client.get("/login", base_url="https://localhost")
    assert secure.request.scheme == "https"
    assert secure.status_code == 200
    assert_security_headers(secure)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert secure.headers["Cache-Control"] == "no-store"


def test_production_behind_a_tls_proxy(tmp_path):
    client = production_app(tmp_path, PROXY_COUNT=1).test_client()
    response = client.get("/login", base_url="http://localhost",
                          headers={"X-Forwarded-Proto": "https",
                                   "X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_redirect_can_be_left_to_the_proxy(tmp_path):
    client = production_app(tmp_path, FORCE_HTTPS=False, HSTS_SECONDS=0).test_client()
    response = client.get("/login", base_url="http://localhost")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert_security_headers(response)


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES))
                                            for p in TEMPLATES.rglob("*.html")))
def test_templates_have_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script> block"
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert "<style" not in text, "inline <style> block"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
