"""Header fields of an e-mail: sender, addresses, message ids, date, subject and LD reference."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from email_validator import EmailNotValidError, validate_email

from legaldesk.intake.email_text import decode_words, normalise_space, undo_surrogates


def header_table(message: Message) -> dict[str, list[str]]:
    """Every raw header value, unfolded, by lowercased header name in message order."""
    table: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(value)).strip()
        table.setdefault(str(name).strip().lower(), []).append(unfolded)
    return table


def first_header(headers: dict[str, list[str]], name: str) -> str:
    """The first value of a header of a header_table, or '' when absent."""
    values = headers.get(name)
    return values[0] if values else ""


# --------------------------------------------------------------------------- addresses


def parse_sender(value: str) -> tuple[str, str]:
    """Return (display name, lowercased address) of the first mailbox, tolerating junk."""
    value = undo_surrogates(value)
    pairs = getaddresses([value])
    if pairs and "@" in pairs[0][1] and pairs[0][1] in value:
        name, address = pairs[0]
    else:
        name, address = _loose_mailbox(value)
    name = name.strip().strip('"').replace('\\"', '"')
    return decode_words(name), address.strip().lower()


def _loose_mailbox(value: str) -> tuple[str, str]:
    angle = re.search(r"<([^<>]*)>", value)
    if angle:
        return value[: angle.start()], angle.group(1)
    token = re.search(r"[^\s<>(),;\"]*@[^\s<>(),;\"]*", value)
    if token:
        return "", token.group(0)
    return value, ""


def address_list(values: list[str]) -> list[str]:
    """The distinct lowercased addresses of address header values, in order."""
    decoded = [undo_surrogates(v) for v in values]
    addresses = [addr.strip().lower() for _, addr in getaddresses(decoded) if "@" in addr]
    return list(dict.fromkeys(addresses))


def is_valid_address(address: str) -> bool:
    """True when address is a syntactically valid e-mail address (no DNS check)."""
    if not address:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except (EmailNotValidError, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- ids and date


def message_ids(value: str) -> list[str]:
    """The distinct message ids of a Message-ID/In-Reply-To/References value, without <>."""
    value = undo_surrogates(value)
    ids = [i.strip() for i in re.findall(r"<([^<>]+)>", value)]
    if not ids:
        ids = value.split()
    return list(dict.fromkeys(i.replace(" ", "") for i in ids if i.strip()))


def first_message_id(value: str) -> str | None:
    """The first message id of a header value, or None."""
    ids = message_ids(value)
    return ids[0] if ids else None


def parse_date(value: str) -> datetime | None:
    """A Date header as naive UTC (naive as written when it has no zone), None if unreadable."""
    value = undo_surrogates(value).strip()
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return parsed
    try:
        return parsed.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return None


# --------------------------------------------------------------------------- subject

_PREFIX_RE = re.compile(
    r"^\s*(?P<word>re|aw|sv|antw|tr|fwd?|wg|r[ée]f\.?|r[ée]p\.?)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_FORWARD_PREFIXES = frozenset({"tr", "fw", "fwd", "wg"})
_REF_TAG_RE = re.compile(r"\[\s*(LD-\d{4}-\d{5,})\s*\]", re.IGNORECASE)
_REF_RE = re.compile(r"(?<![\w-])(LD-\d{4}-\d{5,})(?!\d)", re.IGNORECASE)


def clean_subject(subject: str) -> str:
    """Strip reply/forward prefixes (RE:, TR:, Fwd:, Réf. :) and [LD-...] tags from a subject."""
    text = _REF_TAG_RE.sub(" ", subject)
    while True:
        match = _PREFIX_RE.match(text)
        if not match:
            break
        text = text[match.end() :]
    return normalise_space(text)


def find_ticket_reference(subject: str) -> str | None:
    """Return the first LD-YYYY-NNNNN reference of a subject, bracketed ones first."""
    match = _REF_TAG_RE.search(subject) or _REF_RE.search(subject)
    return match.group(1).upper() if match else None


def has_forward_prefix(subject: str) -> bool:
    """True when the subject starts with a forward prefix (TR:, Fwd:, WG:)."""
    match = _PREFIX_RE.match(_REF_TAG_RE.sub(" ", subject))
    return bool(match) and match.group("word").lower() in _FORWARD_PREFIXES
