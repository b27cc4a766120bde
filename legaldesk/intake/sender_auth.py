"""Is an inbound e-mail really from the address in its From header? (DMARC-style alignment)

Anyone can write any From: address. A message counts as authenticated when a check that a
forger cannot fake passes for a domain aligned with the From domain:

1. The Authentication-Results (RFC 8601) written by our own receiving server, recognised by
   its authserv-id in MAIL_TRUSTED_AUTHSERV_IDS. Only the topmost block of such headers counts
   (the first trusted one and the trusted ones right below it); every other one is ignored,
   whoever it claims to be from. The server must remove the Authentication-Results carrying
   its own authserv-id that arrive from outside (RFC 8601 §5: Postfix with OpenDMARC, Rspamd
   and the big providers do). A pass counts when aligned: `dmarc=pass` for the From domain,
   `dkim=pass` for an aligned d=, `spf=pass` for an aligned envelope sender; `dmarc=fail`
   settles the matter.
2. With MAIL_TRUST_RECEIVED_SPF, the topmost Received-SPF header when its receiver= is one of
   those ids (only when our server always writes one: otherwise the sender's would be on top).
3. When no trusted Authentication-Results is there: the DKIM signatures checked here with
   dkimpy (public keys from DNS), for a d= aligned with the From domain.

SPF itself cannot be checked here: reading mail from IMAP (or from a raw-MIME POST) we never
see the IP address that connected to the mail server, so an SPF result is believed only from
our own server's headers (1 and 2 above).

Alignment is relaxed, without the Public Suffix List: the two domains are equal, or one is a
subdomain of the other. That is a subset of DMARC's relaxed alignment (sibling subdomains of
one organisation do not align), and still safe: a signature for a public suffix would need
control of that suffix's DNS.

Pure functions of the raw bytes and the settings (the DNS lookup is injectable).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy as email_policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses

import authres
import dkim
from dkim.dnsplug import get_txt

log = logging.getLogger(__name__)

MAX_SIGNATURES = 5  # DKIM signatures tried per message (each may cost a DNS lookup)
DnsFunc = Callable[..., bytes | None]


@dataclass(frozen=True)
class SenderCheck:
    """Whether the From address is authenticated, and how (a short note for staff)."""

    verified: bool
    how: str


def authenticate_sender(raw: bytes, from_address: str, config: Mapping, *,
                        dnsfunc: DnsFunc | None = None) -> SenderCheck:
    """Authenticate the From address of raw e-mail bytes; never raises on hostile input."""
    data = _strip_envelope(raw)
    try:
        headers = BytesHeaderParser(policy=email_policy.compat32).parsebytes(data)
    except Exception:  # noqa: BLE001 - headers we cannot read authenticate nothing
        return SenderCheck(False, "en-têtes illisibles")
    domain = _single_from_domain(headers, from_address)
    if domain is None:
        return SenderCheck(False, "en-tête From absent, multiple ou différent de l'expéditeur")
    trusted_ids = {str(i).strip().lower() for i in config.get("MAIL_TRUSTED_AUTHSERV_IDS") or []}
    results = trusted_results(headers, trusted_ids)
    spf = _received_spf(headers, trusted_ids) if config.get("MAIL_TRUST_RECEIVED_SPF") else None
    if results or spf is not None:
        return _judge_results(results + ([spf] if spf else []), domain)
    if not config.get("MAIL_DKIM_VERIFY", True):
        return SenderCheck(False, "aucun Authentication-Results de confiance")
    return verify_dkim(data, domain, dnsfunc=dnsfunc or get_txt,
                       timeout=float(config.get("MAIL_DKIM_DNS_TIMEOUT_SECONDS", 5)))


# --- Authentication-Results of our own server ---------------------------------------------


@dataclass(frozen=True)
class _Result:
    method: str
    result: str
    domain: str  # the domain the result is about (d=, mailfrom, header.from), lower case
    source: str


def trusted_results(headers: Message, trusted_ids: set[str]) -> list[_Result]:
    """Results of the topmost block of Authentication-Results written by a trusted server."""
    block: list[_Result] = []
    started = False
    for name, value in headers.items():
        if name.lower() != "authentication-results":
            if started:
                break  # the block ends at the first other header
            continue
        parsed = _parse_ar(value)
        trusted = parsed is not None and parsed.authserv_id.lower() in trusted_ids
        if not trusted:
            if started:
                break
            continue  # added by somebody else: ignored
        started = True
        block.extend(_results_of(parsed))
    return block


def _parse_ar(value: str):
    try:
        return authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
    except Exception:  # noqa: BLE001 - an unreadable header is nobody's header
        return None


def _results_of(header) -> list[_Result]:
    source = f"Authentication-Results de {header.authserv_id}"
    out = []
    for result in header.results:
        method, verdict = str(result.method).lower(), str(result.result).lower()
        props = {(p.type.lower(), p.name.lower()): str(p.value or "") for p in result.properties}
        if method == "dkim":
            domain = props.get(("header", "d")) or _domain(props.get(("header", "i"), ""))
        elif method == "spf":
            domain = _domain(props.get(("smtp", "mailfrom"), ""))
        elif method == "dmarc":
            domain = props.get(("header", "from"), "")
        else:
            continue
        out.append(_Result(method, verdict, domain.strip().lower().rstrip("."), source))
    return out


def _received_spf(headers: Message, trusted_ids: set[str]) -> _Result | None:
    """The topmost Received-SPF, if our own server wrote it (receiver= a trusted id)."""
    value = headers.get("Received-SPF")
    if value is None:
        return None
    value = " ".join(str(value).split())
    verdict = value.split(" ", 1)[0].lower()
    fields = {}
    for part in value.split(";"):
        key, sep, item = part.strip().rpartition(" ")[2].partition("=")
        if sep:
            fields[key.lower()] = item.strip().strip('"')
    if fields.get("receiver", "").lower() not in trusted_ids:
        return None
    domain = _domain(fields.get("envelope-from", ""))
    return _Result("spf", verdict, domain, f"Received-SPF de {fields['receiver']}")


def _judge_results(results: list[_Result], from_domain: str) -> SenderCheck:
    dmarc_failed = [r for r in results if r.method == "dmarc" and r.result == "fail"]
    if dmarc_failed:
        return SenderCheck(False, f"DMARC en échec ({dmarc_failed[0].source})")
    passed = [r for r in results if r.result == "pass" and r.domain]
    for result in passed:
        if result.method == "dmarc" and result.domain == from_domain:
            return SenderCheck(True, f"DMARC pass pour {from_domain} ({result.source})")
    for result in passed:
        if result.method in ("dkim", "spf") and aligned(result.domain, from_domain):
            return SenderCheck(True, f"{result.method.upper()} pass aligné ({result.domain}, "
                                     f"{result.source})")
    return SenderCheck(False, "aucun résultat DKIM, SPF ou DMARC aligné sur "
                              f"{from_domain} ({results[0].source})" if results else
                       "aucun résultat exploitable")


# --- DKIM checked here --------------------------------------------------------------------


def verify_dkim(data: bytes, from_domain: str, *, dnsfunc: DnsFunc = get_txt,
                timeout: float = 5) -> SenderCheck:
    """Verify the DKIM signatures whose d= aligns with the From domain; one pass suffices."""
    try:
        verifier = dkim.DKIM(data, logger=log, timeout=timeout)
        signatures = [value for name, value in verifier.headers
                      if name.lower() == b"dkim-signature"]
    except Exception:  # noqa: BLE001 - a message dkimpy cannot read is not authenticated
        return SenderCheck(False, "message illisible pour DKIM")
    if not signatures:
        return SenderCheck(False, "aucune signature DKIM ni Authentication-Results de confiance")
    tried = []
    for index, value in enumerate(signatures[:MAX_SIGNATURES]):
        tags = _tags(value)
        domain = tags.get("d", "").lower().rstrip(".")
        if not domain or not aligned(domain, from_domain):
            tried.append(f"d={domain or '?'} non aligné")
            continue
        if "l" in tags:
            tried.append(f"d={domain} : signature partielle (l=) ignorée")
            continue
        try:
            if verifier.verify(idx=index, dnsfunc=dnsfunc):
                return SenderCheck(True, f"DKIM vérifié ici (d={domain})")
            tried.append(f"d={domain} : signature invalide ou clé introuvable")
        except Exception as exc:  # noqa: BLE001 - dkim.DKIMException, DNS errors...
            tried.append(f"d={domain} : {_dkim_failure(exc)}")
    return SenderCheck(False, "DKIM : " + "; ".join(tried))


def _dkim_failure(exc: Exception) -> str:
    if isinstance(exc, dkim.ValidationError):
        return "signature invalide (message modifié ?)"
    if isinstance(exc, dkim.DnsTimeoutError):
        return "DNS injoignable"
    if isinstance(exc, dkim.KeyFormatError):
        return "clé publique invalide"
    if isinstance(exc, dkim.DKIMException):
        return "signature illisible"
    return f"erreur ({type(exc).__name__})"


def _tags(value: bytes) -> dict[str, str]:
    tags = {}
    for part in value.decode("ascii", "replace").split(";"):
        key, sep, item = part.partition("=")
        if sep:
            tags[key.strip().lower()] = "".join(item.split())
    return tags


# --- helpers ------------------------------------------------------------------------------


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment without the suffix list: equal, or one a subdomain of the other."""
    domain, from_domain = domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not domain or not from_domain or "." not in domain or "." not in from_domain:
        return False
    return (domain == from_domain or from_domain.endswith("." + domain)
            or domain.endswith("." + from_domain))


def _single_from_domain(headers: Message, from_address: str) -> str | None:
    """The From domain when there is exactly one From address and it is the sender we file."""
    values = headers.get_all("From") or []
    if len(values) != 1:
        return None
    addresses = [address for _name, address in getaddresses([str(values[0])]) if address]
    if len(addresses) != 1 or addresses[0].strip().lower() != from_address.strip().lower():
        return None
    return _domain(addresses[0]) or None


def _domain(address: str) -> str:
    address = address.strip().strip("<>").lower()
    return address.rpartition("@")[2].rstrip(".") if "@" in address else address.rstrip(".")


def _strip_envelope(raw: bytes) -> bytes:
    """The message as the server received it: no BOM, no mbox 'From ' line."""
    data = bytes(raw).lstrip(b"\xef\xbb\xbf").lstrip(b"\r\n\t ")
    if data.startswith(b"From ") and b"\n" in data:
        data = data.split(b"\n", 1)[1]
    return data
