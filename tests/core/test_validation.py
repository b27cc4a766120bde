"""The shared web-address check: http and https links only, everywhere a URL is stored."""

from __future__ import annotations

import pytest

from legaldesk.core.errors import InvalidInput
from legaldesk.core.validation import check_http_url, is_http_url

GOOD = ["https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385717",
        "http://example.org", "HTTPS://Example.org/a?b=c#d", "  https://example.org/x  ",
        "https://[2001:db8::1]/note"]
BAD = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)",
       "\x01javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>x</script>",
       "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/x", "//example.org/x",
       "/kb/notes/1", "https://", "https:///path", "https://exa mple.org", "https://[::1/x",
       "mailto:juridique@example.org", "https://example.org/\nSet-Cookie: x", "",
       "https://example.org/" + "a" * 500]


@pytest.mark.parametrize("value", GOOD)
def test_http_and_https_links_pass(value):
    assert is_http_url(value)
    assert check_http_url(value) == value.strip()


@pytest.mark.parametrize("value", BAD)
def test_everything_else_is_refused(value):
    assert not is_http_url(value)
    with pytest.raises(InvalidInput, match="Lien vers la fiche : adresse web invalide"):
        check_http_url(value, "Lien vers la fiche")
