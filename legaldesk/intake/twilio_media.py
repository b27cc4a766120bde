"""WhatsApp media downloads: the Twilio credentials go to Twilio's media hosts only, over https.

A webhook names its media URLs (MediaUrlN). Twilio signs the webhook, but a URL is still data:
before anything is sent, the URL must be https on a host of TWILIO_MEDIA_HOSTS (or under
TWILIO_BASE_URL, the API the desk already sends its credentials to). Redirects (Twilio answers
with one to its CDN) are followed by hand, each hop checked the same way, and the credentials
are never sent to another origin than the one they were first sent to.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import requests

MAX_REDIRECTS = 3


class MediaRefused(Exception):
    """The media URL may not be fetched: nothing was sent to it."""


def media_url_refusal(url: str, config: Mapping) -> str | None:
    """Why this media URL may not be fetched, or None when it may."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return "adresse refusée : identifiants dans l'adresse"
    if _under_base_url(url, config.get("TWILIO_BASE_URL")):
        return None
    if parts.scheme != "https":
        return "adresse refusée : https obligatoire"
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        return "adresse refusée : port invalide"
    if port not in (None, 443):
        return f"adresse refusée : port non autorisé ({port})"
    if not host_allowed(host, config.get("TWILIO_MEDIA_HOSTS") or []):
        return f"adresse refusée : hôte non autorisé ({host[:100] or '?'})"
    return None


def host_allowed(host: str, allowed: list[str]) -> bool:
    """An exact host of the list, or a subdomain of an entry written '*.domain'."""
    for entry in allowed:
        entry = str(entry).strip().lower().rstrip(".")
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                return True
        elif host == entry:
            return True
    return False


def fetch_media(url: str, config: Mapping) -> tuple[bytes, str]:
    """Download one media item within the size limit; raise MediaRefused for a forbidden URL."""
    limit = int(config["WHATSAPP_MEDIA_MAX_BYTES"])
    auth = ((config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
            if config.get("TWILIO_ACCOUNT_SID") else None)
    timeout = float(config["TWILIO_TIMEOUT_SECONDS"])
    origin = _origin(url)
    for _hop in range(MAX_REDIRECTS + 1):
        reason = media_url_refusal(url, config)
        if reason:
            raise MediaRefused(reason)
        credentials = auth if _origin(url) == origin else None
        with requests.get(url, auth=credentials, timeout=timeout, stream=True,
                          allow_redirects=False) as response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            response.raise_for_status()
            return _read_limited(response, limit), response.headers.get(
                "Content-Type", "application/octet-stream")
    raise MediaRefused(f"adresse refusée : plus de {MAX_REDIRECTS} redirections")


def _read_limited(response: requests.Response, limit: int) -> bytes:
    data = b""
    for chunk in response.iter_content(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise ValueError(f"média de plus de {limit} octets")
    return data


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _under_base_url(url: str, base_url: str | None) -> bool:
    """The configured API origin (tests point it at a local server) and a path below it."""
    if not base_url:
        return False
    base = str(base_url).rstrip("/")
    if _origin(url) != _origin(base):
        return False
    base_path = urlsplit(base).path.rstrip("/")
    path = urlsplit(url).path
    return path == base_path or path.startswith(base_path + "/")
